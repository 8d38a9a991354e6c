## Agenda
calendar-title = Agenda
calendar-hint = Ajoutez les scrutins et assemblées de vos coopératives et les échéances de vos parts à votre application d'agenda, avec une adresse secrète. Quiconque a l'adresse peut la lire : révoquez-la si elle a fuité.
calendar-make = Créer mon adresse d'agenda
calendar-replace = Créer une nouvelle adresse (l'ancienne cesse de fonctionner)
calendar-revoke = Révoquer l'adresse
calendar-new-address = Copiez maintenant cette adresse dans votre application d'agenda : Concord n'en garde que l'empreinte et ne peut plus l'afficher.
calendar-has-address = Vous avez une adresse d'agenda. Créez-en une nouvelle si vous l'avez perdue.
calendar-add = Ajouter à mon agenda
calendar-ballot = Vote : { $title } ({ $coop })
calendar-meeting = Assemblée : { $title } ({ $coop })
calendar-instalment = Échéance : { $amount }, { $class } ({ $coop })

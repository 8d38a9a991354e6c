## Le tableau de bord de la coopérative, les notifications et les préférences de courriel
nav-notifications = Notifications
dash-notifications-none = Notifications : rien de nouveau depuis votre dernière visite
dash-notifications = { $count ->
    [one] Notifications : 1 nouveauté depuis votre dernière visite
   *[other] Notifications : { $count } nouveautés depuis votre dernière visite
}
dash-my-membership = Mon adhésion et mes parts
dash-number = associé nº { $number }
dash-shares-held = Parts détenues
dash-due = Exigible
dash-of-which-overdue = dont { $amount } en retard
dash-instalments = Échéances à payer
dash-see-statement = Voir mon relevé de capital
dash-my-hours = Mes heures et mes avis
dash-hours-in-year = { $hours } heures enregistrées pour l'exercice { $year }.
dash-my-notices = Mes avis de répartition
dash-decisions = Décisions récentes
dash-outcome-carried = Adoptée
dash-outcome-rejected = Rejetée
dash-outcome-no_quorum = Quorum non atteint
dash-no-decisions = Aucun scrutin clos ces trois derniers mois.
dash-payments = Paiements à suivre
dash-instalments-due = Échéances de parts exigibles
dash-nothing = Rien pour le moment.
dash-redemptions = Parts remboursées à verser
dash-retained-due = Ristournes retenues à rembourser
dash-total = Total { $amount }
dash-year-and-capital = Exercice et capital
dash-fiscal-year = Exercice en cours
dash-hours-complete = Heures complètes (exercice clos)
dash-yes = Oui
dash-no = Non
dash-distribution = Répartition
dash-none-yet = aucune préparée
dash-capital-balance = Capital social
dash-subscribed-paid = Souscrit / libéré
dash-retained-patronage = Ristournes retenues sur les comptes des associés
dash-registrar = Registre, scrutins et statuts
dash-applications = Candidatures en attente
dash-ballots-to-open = Scrutins en préparation à ouvrir
dash-ballots-to-close = Scrutins à clore
dash-amendments = Modifications des statuts en préparation
dash-standing = Changements de situation (30 derniers jours)
notif-title = Notifications
notif-hint = Ce qui a changé dans la coopérative depuis votre dernière visite de cette page. Elles sont marquées comme vues dès que vous les lisez.
notif-more = { $count } changements en tout ; les 50 derniers sont affichés.
notif-none = Rien de nouveau depuis votre dernière visite.
notif-email-link = Choisir comment recevoir les courriels
notif-ballot-opened = Un scrutin est ouvert
notif-ballot-closed = Un scrutin est clos : son résultat est publié
notif-ballot-cancelled = Un scrutin a été annulé
notif-meeting-called = Une assemblée générale est convoquée
notif-meeting-cancelled = Une assemblée générale est annulée
notif-minutes-adopted = Le procès-verbal d'une assemblée a été adopté
notif-bylaws-adopted = De nouveaux statuts sont en vigueur
notif-amendment-shared = Une modification des statuts est ouverte aux commentaires
notif-distribution-posted = Une répartition annuelle a été comptabilisée : voyez votre avis
notif-my-capital = Un mouvement a été enregistré sur votre compte de capital
notif-my-standing = Votre inscription au registre a changé
notif-capital = Un mouvement de capital a été enregistré
notif-hours = Des heures ont été enregistrées ou un exercice a été clos
notif-distribution = Une répartition, un paiement ou un remboursement de ristourne a été enregistré
notif-application = Une personne a demandé à adhérer
notif-standing = La situation d'un associé a changé
notif-amendment = Une modification des statuts a été préparée ou soumise au vote
digest-subject = { $count ->
    [one] Votre résumé du jour : 1 message
   *[other] Votre résumé du jour : { $count } messages
}
digest-intro = Bonjour { $name },

    Voici ce que Concord vous aurait envoyé depuis votre dernier résumé.
email-title = Courriel
email-hint = Les avis légaux (invitations, liens de mot de passe, admission, convocations à un vote et nouveaux statuts, avis de répartition, remboursements) sont toujours envoyés aussitôt. Le reste suit votre choix.
email-delivery = Comment recevoir les autres messages
email-immediate = Chaque message aussitôt
email-daily = Un résumé par jour
email-none = Aucun (avis légaux seulement)
email-save = Enregistrer la préférence de courriel
account-done-email = Votre préférence de courriel est enregistrée.

# Legal notices, member by member
notices-title = Avis envoyés
notices-hint = Les avis qu’exigent la loi et les statuts (convocations, avis de scrutin, appels au vote, avis d’attribution), avec qui les a reçus. Un message que le serveur de courriel a refusé, ou n’a pas pu prendre après une journée de tentatives, n’a pas atteint son destinataire : vérifiez l’adresse, puis renvoyez.
notices-none = Aucun avis n’a encore été envoyé.
notices-kind = Avis
notices-queued-at = Envoyé le
notices-progress = Remise
notices-counts = { $sent } remis sur { $total }
notices-counts-waiting = , { $count } en attente
notices-counts-missed = , { $count } non remis
notices-kind-allocation = Avis d’attribution
notices-kind-convocation = Convocation à une assemblée générale
notices-kind-ballot_notice = Avis de scrutin
notices-kind-ballot_opening = Appel au vote
notices-subject = Ce dont il s’agit
notices-status = Remise
notices-answer = Réponse du serveur de courriel
notices-status-queued = En attente
notices-status-sent = Remis au serveur de courriel
notices-status-failed = Refusé
notices-status-dead = Non remis après toutes les tentatives
notices-resend = Renvoyer à ceux qui ne l’ont pas reçu
notices-resend-hint = Remet en file, tout de suite, chaque exemplaire non remis ; ceux déjà remis ne sont pas envoyés deux fois.
notices-requeued = { $count ->
    [one] Un exemplaire remis en file.
   *[other] { $count } exemplaires remis en file.
}
notices-csv = Télécharger les remises (CSV)

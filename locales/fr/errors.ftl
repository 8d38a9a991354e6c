# Les erreurs répondues à l'appelant, par leur code stable : les types de problème
# de l'API (le titre, puis la phrase d'un type qui n'a pas de message à lui), puis
# les refus de chaque domaine. Chaque identifiant est aussi dans le fichier anglais.

problem-validation = Saisie invalide
problem-validation-detail = La requête a des champs invalides.
problem-bad-request = Requête incorrecte
problem-bad-request-detail = La requête ne peut pas être lue.
problem-unauthorized = Authentification requise
problem-unauthorized-detail = Il faut s'authentifier.
problem-bad-credentials = Adresse ou mot de passe incorrect
problem-bad-credentials-detail = L'adresse e-mail ou le mot de passe est incorrect.
problem-forbidden = Interdit
problem-forbidden-detail = Vous n'avez pas le droit de faire ceci.
problem-not-found = Introuvable
problem-not-found-detail = Introuvable.
problem-method-not-allowed = Méthode non autorisée
problem-method-not-allowed-detail = Cette méthode n'est pas autorisée sur cette ressource.
problem-conflict = Conflit
problem-conflict-detail = La modification entre en conflit avec l'état des choses.
problem-closing-early = Un scrutin en ligne se clôt à son heure de clôture
problem-closing-early-detail = Un scrutin en ligne se clôt à son heure de clôture.
problem-payload-too-large = Requête trop volumineuse
problem-payload-too-large-detail = Le corps de la requête dépasse { $limit } octets.
problem-too-many-rows = Trop de lignes
problem-too-many-rows-detail = Le fichier a { $rows } lignes ; un import en prend au plus { $limit } (la limite est fixée par l'opérateur : CONCORD_IMPORT_MAX_ROWS).
problem-unsupported-media-type = Type de contenu non pris en charge
problem-unsupported-media-type-detail = Le type de contenu doit être { $expected }.
problem-too-many-requests = Trop de tentatives
problem-too-many-requests-detail = Trop de tentatives : réessayez dans { $seconds } secondes.
problem-unavailable = Service indisponible
problem-unavailable-detail = Le service est momentanément indisponible.
problem-internal = Erreur interne
problem-internal-detail = Une erreur s'est produite de notre côté ; elle a été consignée.

## Montants

error-money-empty = Le montant est vide.
error-money-not-a-number = « { $text } » n'est pas un montant : écrivez des chiffres avec au plus une virgule décimale, par ex. 12,50.
error-money-negative = Le montant ne peut pas être négatif.
error-money-zero = Le montant doit être supérieur à zéro.
error-money-too-many-decimals = Le montant a { $found } décimales ; 2 au plus sont permises.
error-money-too-large = Le montant a { $found } chiffres avant la virgule ; 12 au plus sont permis.
error-money-out-of-range = Le résultat sort de la plage des montants (12 chiffres au plus avant la virgule).
error-money-currency-mismatch = Un montant en { $left } ne peut pas être combiné à un montant en { $right }.
error-money-unknown-currency = Devise inconnue « { $code } » : utilisez EUR, USD, CAD, GBP ou CHF.

## Capital social

error-share-invalid-class = Catégorie de parts, { $field } : { $reason }
error-share-not-positive = Le montant doit être supérieur à zéro.
error-share-no-shares = Le nombre de parts doit être d'au moins 1.
error-share-duplicate-id = L'identifiant { $id } est déjà utilisé dans le registre des parts.
error-share-wrong-class = L'opération porte sur la catégorie { $found }, pas sur la catégorie { $expected }.
error-share-unknown-class = La catégorie de parts { $class } est inconnue.
error-share-no-instalment-plan = Les parts de cette catégorie se libèrent en une fois : la catégorie n'a pas d'échéancier.
error-share-max-per-member = Un associé peut détenir au plus { $max } parts de cette catégorie ; il en détient { $held } et en demande { $requested }.
error-share-unknown-subscription = La souscription { $subscription } n'existe pas.
error-share-subscription-cancelled = Cette souscription est annulée.
error-share-subscription-fully-paid = Cette souscription est déjà entièrement libérée.
error-share-overpayment = Le versement de { $amount } dépasse les { $remaining } qui restent à libérer.
error-share-date-too-early = La date du { $date } précède { $what } auquel elle s'applique ({ $earliest }).
error-share-duplicate-reference = Un versement de référence « { $reference } » est déjà enregistré.
error-share-same-member = Un associé ne peut pas se céder des parts à lui-même.
error-share-redeemed-patronage = Un remboursement de ristournes capitalisées s'annule depuis la page des ristournes capitalisées, avec sa dette.
error-share-not-in-good-standing = { $party ->
    [seller] Le cédant
   *[buyer] Le cessionnaire
} d'une cession doit être un associé en règle.
error-share-missing-decision-ref = La référence de la décision du conseil est requise.
error-share-missing-reason = Un motif est requis.
error-share-not-today = Votre propre souscription est datée d'aujourd'hui ({ $today }) ; seul un trésorier peut en enregistrer une à une autre date.
error-share-in-the-future = Une souscription ne peut pas être datée après aujourd'hui ({ $today }).
error-share-books-closed = Les comptes sont clos jusqu'au { $closed_until } : datez la souscription du { $open_from } ou après.
error-share-backdated-without-reason = Dites pourquoi la souscription est datée d'avant aujourd'hui.
error-share-not-enough-paid-shares = Seules { $available } parts entièrement libérées de cette catégorie sont détenues ; { $requested } demandées.
error-share-redemption-held = Les remboursements sont suspendus jusqu'à l'approbation des comptes de l'exercice.
error-share-below-capital-floor = Le remboursement porterait le capital de la coopérative à { $capital_after }, sous son plancher de { $floor }.
error-share-unknown-redemption = Le remboursement { $redemption } n'existe pas.
error-share-redemption-cancelled = Ce remboursement est annulé.
error-share-redemption-fully-paid = Ce remboursement est déjà entièrement payé.
error-share-redemption-overpayment = Le versement de { $amount } dépasse les { $remaining } encore dus.
error-share-unknown-entry = L'écriture { $id } n'existe pas.
error-share-already-reversed = Cette écriture est déjà contrepassée.
error-share-cannot-reverse-reversal = Une contrepassation ne se contrepasse pas ; enregistrez de nouveau l'écriture d'origine.
error-share-subscription-has-payments = { $payments ->
    [one] La souscription a un versement en cours ; contrepassez-le (remboursez-le) d'abord.
   *[other] La souscription a { $payments } versements en cours ; contrepassez-les (remboursez-les) d'abord.
}
error-share-redemption-has-payments = { $payments ->
    [one] Le remboursement a un versement en cours ; contrepassez-le d'abord.
   *[other] Le remboursement a { $payments } versements en cours ; contrepassez-les d'abord.
}
error-share-reversal-would-break = La contrepassation romprait le registre au { $date } : { $problem }
error-share-conflicts-with-later-entries = l'écriture contredit des écritures ultérieures : le { $date }, { $problem }
error-share-inconsistent-ledger = le registre des parts est incohérent : { $reason }
error-share-violation-negative-holding = l'associé { $member } détiendrait { $shares } parts entièrement libérées de la catégorie { $class }.
error-share-violation-over-maximum = l'associé { $member } détiendrait { $shares } parts de la catégorie { $class }, plus que le maximum de { $max }.
error-share-violation-over-paid = la souscription { $subscription } serait libérée au-delà de son montant.
error-share-violation-payment-without-subscription = un versement porterait sur la souscription { $subscription }, annulée ou pas encore faite.
error-share-violation-redemption-over-paid = le remboursement { $redemption } serait payé au-delà de son montant, ou payé alors qu'il est annulé.
error-share-violation-negative-retained = les ristournes capitalisées de l'associé { $member } deviendraient négatives.

## Formulaires

error-form-whole-number-or-empty = Saisissez un nombre entier, ou laissez vide.
error-form-date = Saisissez une date sous la forme AAAA-MM-JJ.
error-share-choose-class = Choisissez une catégorie de parts.
error-share-whole-shares = Saisissez un nombre entier de parts.
error-share-choose-buyer = Choisissez qui reçoit les parts.
error-share-choose-subscription = Choisissez une souscription.
error-share-choose-method = Choisissez le mode de paiement.
error-share-unknown-operation = Opération inconnue.
error-share-instalments-both-or-neither = Donnez à la fois le nombre d'échéances et le nombre de mois entre elles, ou aucun des deux.
error-share-no-such-class = Cette catégorie de parts n'existe pas.

## Scrutins : les votes

error-ballot-abstain-not-allowed = l'abstention n'est pas permise sur cette résolution : choisissez pour ou contre
error-ballot-motion-answer = c'est une résolution : répondez pour, contre ou abstention
error-ballot-election-answer = c'est une élection : choisissez des candidats (ou aucun, pour un bulletin blanc)
error-ballot-unknown-choice = un choix ne désigne aucun candidat
error-ballot-duplicate-choice = un candidat est choisi plus d'une fois
error-ballot-too-many-choices = { $max ->
    [one] un seul choix est permis
   *[other] { $max } choix au plus sont permis
}
error-ballot-invalid-paper = ce bulletin ne peut pas être compté : { $reason }
error-ballot-not-open-yet = Ce scrutin n'est pas encore ouvert.
error-ballot-cancelled = Ce scrutin a été annulé.
error-ballot-closed = Ce scrutin est clos ; les votes ne sont plus reçus.
error-ballot-no-such-proxy = Vous ne détenez pas la procuration de ce membre pour ce scrutin.
error-ballot-holder-not-on-roll = Vous n'êtes pas sur la liste électorale de ce scrutin.
error-ballot-grantor-not-on-roll = Le membre que vous représentez n'est pas sur la liste électorale de ce scrutin.
error-ballot-not-on-roll = Vous n'êtes pas sur la liste électorale de ce scrutin : seuls les membres en règle à son ouverture peuvent voter.
error-ballot-choose-answer = Choisissez une réponse.
error-ballot-choose-candidate-or-blank = Choisissez un candidat, ou blanc.
error-ballot-choose-candidate = Choisissez un candidat.
error-ballot-choose-among-candidates = Choisissez parmi les candidats.
error-ballot-rank-not-a-number = Donnez les rangs en chiffres.
error-ballot-rank-twice = Deux candidats ont le rang { $rank } : donnez chaque rang une seule fois.
error-ballot-ranks-with-gaps = Numérotez vos choix 1, 2, 3… sans trou.

## Adhésion

error-member-already-member = Cette personne est déjà membre.
error-member-invitation-invalid = Cette invitation n'est plus valable : elle a déjà été acceptée, ou elle a expiré. Demandez à l'administrateur de la coopérative de vous inviter de nouveau.
error-member-no-self-grant = Un autre administrateur doit vous donner un nouveau rôle : personne ne s'attribue de pouvoir à soi-même.
error-member-office-needs-full-member = Seul un membre de plein droit peut exercer une fonction (pas un candidat à l'admission, un stagiaire, un membre en congé ni un ancien membre).
error-member-last-admin = La coopérative doit garder au moins un administrateur.
error-member-decided-by-ballot = Selon les statuts, { $kind ->
    [admission] une admission
   *[expulsion] une exclusion
} se décide par un scrutin : ouvrez un scrutin de ce type pour ce membre, et le registre suivra son résultat.
error-member-not-on-register = Cette personne n'est pas inscrite au registre de la coopérative.
error-email-invalid = Cette adresse e-mail n'est pas valide.
error-member-motivation-too-long = Restez sous les 4 000 caractères, s'il vous plaît.
error-member-application-link-invalid = Ce lien n'est plus valable : il a déjà servi, ou il a expiré. Faites une nouvelle demande, s'il vous plaît.
error-member-employment-status = Choisissez salarié ou non salarié.
error-member-employment-start-future = Le début de l'emploi ne peut pas être dans le futur.
error-member-board-notes-too-long = Restez sous les 10 000 caractères pour les notes, s'il vous plaît.
error-member-choose-change = Choisissez un changement.

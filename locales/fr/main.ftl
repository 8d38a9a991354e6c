app-name = Concord
app-tagline = La gouvernance des coopératives de travail
skip-to-content = Aller au contenu
nav-home = Accueil
nav-members = Comptes et rôles
nav-register = Registre
nav-audit = Journal d’audit
nav-account = Mon compte
nav-logout = Se déconnecter
nav-login = Se connecter
language-label = Langue
language-switch = Changer de langue
lang-en = English
lang-fr = Français
home-welcome = Bienvenue, { $name }
home-your-coops = Vos coopératives
home-no-coops = Vous n’êtes encore membre d’aucune coopérative. Un administrateur de votre coopérative peut vous inviter.
coop-home-title = { $coop }
coop-your-roles = Vos rôles ici
coop-currency = Monnaie
coop-time-zone = Fuseau horaire
coop-coming = Les scrutins, les parts sociales, les heures et les statuts apparaîtront ici dès que votre coopérative s’en servira.
role-member = Membre
role-treasurer = Trésorier·e
role-secretary = Secrétaire
role-board = Conseil
role-admin = Administrateur·rice
login-title = Connexion
login-email = Adresse électronique
login-password = Mot de passe
login-submit = Se connecter
login-forgot = Mot de passe oublié ?
login-failed = L’adresse ou le mot de passe est incorrect.
login-throttled = Trop de tentatives. Réessayez dans { $seconds } secondes.
account-title = Mon compte
account-profile = Nom et langue
account-display-name = Nom
account-save = Enregistrer
account-password = Mot de passe
account-current-password = Mot de passe actuel
account-new-password = Nouveau mot de passe
account-password-hint = Au moins 12 caractères. Une phrase de quelques mots est facile à retenir et difficile à deviner.
account-change-password = Changer le mot de passe
account-sessions = Sessions
account-sessions-hint = Vous déconnecte de tous les navigateurs et révoque tous les jetons d’API, y compris celui-ci.
account-logout-everywhere = Se déconnecter partout
account-done-profile = Votre nom et votre langue sont enregistrés.
account-done-password = Votre mot de passe est changé. Toutes les autres sessions ont été déconnectées.
forgot-title = Mot de passe oublié
forgot-hint = Saisissez votre adresse électronique. Si elle correspond à un compte, nous envoyons un lien pour choisir un nouveau mot de passe.
forgot-submit = Envoyer le lien
forgot-sent = Si cette adresse correspond à un compte, un lien est en route. Il ne sert qu’une fois et expire dans l’heure.
reset-title = Choisir un mot de passe
reset-submit = Enregistrer le mot de passe
reset-invalid = Ce lien a expiré ou a déjà servi. Demandez-en un nouveau.
reset-ask-again = Demander un nouveau lien
members-title = Membres
members-name = Nom
members-email = Adresse électronique
members-roles = Rôles
members-status = État
members-active = Actif
members-invited = Invité
members-save-roles = Enregistrer les rôles
members-roles-for = Rôles de { $name }
members-invite = Inviter quelqu’un
members-invite-submit = Envoyer l’invitation
members-done-invited = L’invitation est envoyée.
members-done-roles = Les rôles sont enregistrés.
audit-title = Journal d’audit
audit-hint = Chaque modification faite dans cette coopérative, de la plus récente à la plus ancienne. Chaque entrée est chaînée à la précédente : aucune ne peut être modifiée ou supprimée sans que cela se voie.
audit-seq = N°
audit-at = Quand
audit-actor = Qui
audit-action = Quoi
audit-subject = Sur
audit-system = système
audit-older = Entrées plus anciennes
audit-csv = Télécharger en CSV
audit-empty = Rien n’a encore été enregistré.
error-title = Un problème est survenu
error-401 = Veuillez vous connecter.
error-403 = Vous n’avez pas le droit de faire cela. Si vous avez envoyé un formulaire, il a peut-être expiré : rechargez la page et réessayez.
error-404 = Cette page n’existe pas, ou vous n’y avez pas accès.
error-405 = Cette action n’est pas disponible ici.
error-413 = Ce que vous avez envoyé est trop volumineux.
error-429 = Trop de tentatives. Patientez un instant.
error-500 = Une erreur est survenue de notre côté. Elle a été enregistrée.
error-503 = Le service est momentanément indisponible. Réessayez dans un instant.
error-other = La requête n’a pas pu aboutir.
error-back-home = Retour à l’accueil
form-has-errors = Veuillez corriger les champs signalés ci-dessous.
mail-reset-subject = Choisissez un nouveau mot de passe Concord
mail-reset-body =
    Quelqu’un (vous, sans doute) a demandé à réinitialiser le mot de passe de votre compte Concord.

    Ouvrez ce lien pour choisir un nouveau mot de passe. Il ne sert qu’une fois et expire dans { $minutes } minutes :
    { $link }

    Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.
mail-invite-subject = Vous êtes invité·e à rejoindre { $coop } sur Concord
mail-invite-body =
    { $inviter } vous invite à rejoindre { $coop } sur Concord, où les membres de la coopérative votent, suivent leurs parts sociales et voient la répartition de fin d’exercice.

    Ouvrez ce lien pour nous rejoindre :
    { $link }
mail-admitted-subject = Bienvenue à { $coop }
mail-admitted-body =
    Vous avez été admis·e à { $coop }. Bienvenue !

    Ouvrez ce lien pour choisir votre mot de passe et vous connecter à Concord :
    { $link }
mail-application-subject = Nouvelle candidature à { $coop }
mail-application-body =
    { $name } a demandé à rejoindre la coopérative.

    Sa candidature est au registre :
    { $link }
apply-title = Demander à rejoindre { $coop }
coop-dissolved = Les associés ont prononcé la dissolution de la coopérative le { $date } : elle est en liquidation et ne reçoit plus de candidatures, d'admissions ni de souscriptions.
apply-closed-dissolved = La coopérative a été dissoute par ses associés et ne reçoit plus de candidatures.
apply-hint = Présentez-vous à la coopérative. Le conseil statue sur les candidatures ; vous recevrez un courriel quand ce sera fait.
apply-name = Votre nom
apply-email = Votre adresse électronique
apply-motivation = Pourquoi souhaitez-vous nous rejoindre ?
apply-submit = Envoyer ma candidature
apply-sent = Merci. Pour vérifier que l'adresse est bien la vôtre, nous vous avons envoyé un courriel : ouvrez son lien pour confirmer votre candidature.
apply-confirm-title = Confirmer votre candidature à { $coop }
apply-confirm-hint = Confirmez que vous souhaitez demander à rejoindre { $coop } avec cette adresse électronique.
apply-confirm-submit = Confirmer ma candidature
apply-confirm-recorded = Merci : votre candidature est enregistrée et le ou la secrétaire de la coopérative en a été informé·e. Le conseil statue sur les candidatures ; vous recevrez un courriel quand ce sera fait.
apply-confirm-already = Cette adresse a déjà une candidature ou une adhésion à { $coop } : rien n'a été modifié.
mail-apply-confirm-subject = Confirmez votre candidature à { $coop }
mail-apply-confirm-body =
    Bonjour { $name },

    Quelqu'un, sans doute vous, a demandé à rejoindre { $coop } avec cette adresse électronique. Pour confirmer la candidature, ouvrez ce lien :
    { $link }

    Si ce n'est pas vous, ignorez ce courriel : rien n'est enregistré sans votre confirmation.
register-title = Registre des membres
register-as-of = Au
register-status = État
register-all = Tous les états
register-search = Rechercher
register-filter = Afficher
register-csv = Télécharger en CSV
register-number = N°
register-applied = Candidature
register-member-since = Membre depuis
register-left = Sortie
register-may-vote = Peut voter
register-yes = oui
register-no = non
register-empty = Personne ne correspond.
status-applicant = Candidat·e
status-candidate = En période probatoire
status-admitted = Admis·e
status-member = Membre
status-on_leave = En congé
status-resigned = Démissionnaire
status-expelled = Exclu·e
status-rejected = Candidature refusée
status-withdrawn = Candidature retirée
member-history = Historique
member-propose-admission = Soumettre l'admission au vote
member-propose-expulsion = Proposer une exclusion
member-effective = Effet
member-decision = Décision
member-reason = Motif
member-recorded-by = Enregistré par
member-change = Changer l’état
member-transition = Changement
member-date = Date
member-until = Jusqu’au (facultatif)
member-notice-date = Préavis donné le
member-effective-date = Prend effet le
member-apply-change = Enregistrer le changement
member-done-changed = Le changement est enregistré.
transition-start_probation = Ouvrir la période probatoire
transition-admit = Admettre (décision du conseil)
transition-go_on_leave = Commencer un congé
transition-return_from_leave = Retour de congé
transition-resign = Démission
transition-expel = Exclure (décision du conseil)
transition-reject = Refuser la candidature
transition-withdraw = Retrait
transition-apply = Candidature
transition-become_member = Devenu·e membre
nav-capital = Capital
nav-my-shares = Mes parts
capital-title = Capital social
capital-done-class = La catégorie de parts est créée.
capital-members = Membres détenant du capital
capital-shares-held = Parts détenues
capital-subscribed = Souscrit
capital-paid = Libéré
capital-unpaid = Reste à libérer
capital-overdue = En retard
capital-redemption-payable = Remboursements à verser
capital-balance = Solde du compte de capital
capital-accounts = Comptes des membres
capital-no-accounts = Personne ne détient encore de parts.
capital-classes = Catégories de parts
capital-qualifying = part d’adhésion (fait le membre)
capital-max = au plus { $max } par membre
capital-instalments = payable en { $count } versements tous les { $months } mois
capital-new-class = Nouvelle catégorie de parts
capital-class-name = Catégorie de parts
capital-par-value = Valeur nominale d’une part
capital-max-label = Nombre maximal de parts par membre (facultatif)
capital-instalment-count = Nombre de versements (facultatif)
capital-instalment-period = Mois entre deux versements (facultatif)
capital-create-class = Créer la catégorie
statement-title = Relevé de capital
statement-done = L’écriture est enregistrée.
statement-subscriptions = Souscriptions
statement-none = Aucune souscription pour l’instant.
statement-due = Échéance
statement-amount = Montant
statement-method = Moyen de paiement
statement-reference = Référence (virement, chèque)
statement-record-payment = Enregistrer le versement
statement-subscribe = Souscrire des parts
statement-shares = Nombre de parts
statement-in-instalments = Payer en plusieurs versements
statement-subscribe-submit = Souscrire
statement-backdate-reason = Motif, si la date est antérieure à aujourd’hui
statement-backdate-hint = Une souscription peut être datée au plus tôt du lendemain du dernier exercice clos, jamais dans des comptes clos.
instalment-paid = Payé
instalment-upcoming = À venir
instalment-due = Exigible
instalment-overdue = En retard
method-bank_transfer = Virement
method-cash = Espèces
method-cheque = Chèque
method-card = Carte
method-payroll_deduction = Retenue sur salaire
method-other = Autre
import-title = Importer un registre existant
import-hint = Collez le registre en CSV avec une ligne d’en-tête. Colonnes : number (facultatif), name, email, status (member ou applicant), member_since (AAAA-MM-JJ), employment_status (worker ou non_worker). Un import ne donne aucun rôle. Tout le fichier est vérifié d’abord : si une ligne est fausse, rien n’est importé et chaque ligne fausse est listée.
import-label = Registre (CSV)
import-submit = Importer
import-failed = Rien n’a été importé. Corrigez ces lignes et importez à nouveau :
import-too-many-rows = Le fichier a { $rows } lignes ; un import en prend au plus { $limit }. Découpez-le, ou demandez à l’opérateur de relever la limite (CONCORD_IMPORT_MAX_ROWS).
import-done = { $count } personnes inscrites au registre. Elles peuvent choisir un mot de passe avec « Mot de passe oublié ? » sur la page de connexion.
import-job-title = Import du registre
import-job-started = Commencé le
import-job-queued = En attente : { $rows } lignes.
import-job-running = Import de { $rows } lignes en cours…
import-job-wait = Un grand registre est importé en arrière-plan, en entier ou pas du tout. Cette page affiche le résultat une fois terminé ; vous pouvez la quitter et revenir.
import-job-back = Retour au registre
export-job-title = Export
export-job-started = Demandé le
export-job-queued = En attente.
export-job-running = Écriture du fichier…
export-job-wait = Le fichier d’une grande coopérative est écrit en arrière-plan. Cette page affiche le lien une fois prêt ; vous pouvez la quitter et revenir.
export-job-done = Le fichier est prêt : { $rows ->
    [one] { $rows } ligne.
   *[other] { $rows } lignes.
}
export-job-download = Télécharger { $filename }
export-job-until = Disponible jusqu’au
export-job-expired = Ce fichier a été effacé un jour après sa création. Demandez l’export à nouveau.
export-job-failed = L’export a échoué.
export-job-back = Retour à la coopérative
mail-instalment-subject = Un versement sur vos parts est dû à { $coop }
mail-instalment-body =
    Un versement sur vos parts sociales de { $coop } est exigible : { $due } au total, dont { $overdue } en retard.

    Votre relevé, avec chaque échéance :
    { $link }

    Si vous avez payé ces derniers jours, merci : le ou la trésorière l’enregistrera.
mail-redemption-subject = Vos parts de { $coop } vont être remboursées
mail-redemption-body =
    Le conseil de { $coop } a décidé de rembourser { $shares } de vos parts à leur valeur nominale : { $amount } vous seront versés.

    Votre relevé indique ce montant jusqu’à son versement :
    { $link }
statement-board = Décision du conseil sur ces parts
statement-transfer = Céder à un autre membre
statement-redeem = Rembourser à la valeur nominale
statement-buyer = À (cessions seulement)
statement-csv = Télécharger les écritures en CSV (imprimez cette page pour un relevé imprimable)
member-done-profile = La fiche est enregistrée.
member-profile = Fiche au registre
member-employment = Emploi
member-employment-start = Entré·e dans l’entreprise le
member-since-date = depuis le { $date }
member-board-notes = Notes du conseil (visibles du conseil seulement)
employment-worker = Membre salarié·e
employment-non_worker = Membre non salarié·e

## Ballots: e-mail
mail-ballot-opened-subject = Votez : { $title } ({ $coop })
mail-ballot-opened-body =
    Bonjour { $name },

    Le scrutin « { $title } » est ouvert chez { $coop }. Vous pouvez voter jusqu'au { $closes }.

    Votez ici (une minute suffit, aussi sur téléphone) :
    { $link }

    Chaque associé dispose d'une seule voix, quel que soit le nombre de parts détenues.
mail-ballot-reminder-subject = Dernier jour pour voter : { $title } ({ $coop })
mail-ballot-reminder-body =
    Bonjour { $name },

    Vous n'avez pas encore voté sur « { $title } » chez { $coop }. Le scrutin ferme le { $closes }.

    Votez ici :
    { $link }
mail-ballot-result-subject = Résultat : { $title } ({ $coop })
mail-ballot-result-body =
    Bonjour { $name },

    Le scrutin « { $title } » de { $coop } est clos{ $ended ->
        [everyone] , avant son heure de clôture parce que tous les membres de la liste électorale avaient voté
       *[other] {""}
    }. Le résultat, avec le calcul qui l'a décidé, est ici :
    { $link }{ $basis ->
        [none] {""}
       *[other] {"\u000A"}{"\u000A"}{ $basis }
    }
mail-ballot-notice-subject = Convocation à un scrutin : { $title } ({ $coop })
mail-ballot-notice-body =
    Bonjour { $name },

    Voici la convocation que prévoient les statuts de { $coop } : le scrutin « { $title } »
    ouvre le { $opens } et ferme le { $closes }. Le texte de chaque question est ici :
    { $link }

    Vous recevrez un autre message à son ouverture.
mail-ballot-cancelled-subject = Annulé : { $title } ({ $coop })
mail-ballot-cancelled-body =
    Bonjour { $name },

    Le scrutin « { $title } » de { $coop } a été annulé par { $by }, pour cette raison :

    { $reason }

    Un scrutin annulé ne décide rien : aucun résultat n'est publié et aucun vote exprimé ne compte.
    { $link }
mail-meeting-convocation-subject = Convocation : { $title } ({ $coop })
mail-meeting-convocation-body =
    Bonjour { $name },

    Vous êtes convoqué·e à « { $title } » de { $coop }, le { $when }, { $place }.
    L'ordre du jour et les propositions sont ici :
    { $link }

## Ballots: pages
nav-ballots = Scrutins
ballots-title = Scrutins
ballots-new = Nouveau scrutin
ballots-none = Aucun scrutin pour l'instant.
ballot-status-draft = Brouillon
ballot-status-open = Ouvert
ballot-status-closed = Clos
ballot-status-cancelled = Annulé
ballot-closes = Ferme le { $when }
ballot-opens = Ouvre le { $when }
ballot-you-voted = A voté
ballot-vote-now = Voter
ballot-secret = Vote secret
ballot-open-vote = Vote public (noms publiés après la clôture)
ballot-cancelled-because = Ce scrutin a été annulé : { $reason }
ballot-your-vote = Votre vote
ballot-recorded-online = Votre vote est enregistré.
ballot-recorded-proxy = Votre mandataire a voté pour vous.
ballot-recorded-meeting = Votre vote papier à l'assemblée est enregistré.
ballot-change-vote = Modifier mon vote
ballot-not-on-roll = Vous n'êtes pas sur la liste électorale de ce scrutin : seuls les associés à jour à son ouverture peuvent voter.
ballot-proxy-given = Vous avez donné procuration à { $name }, qui peut voter pour vous tant que vous n'avez pas voté vous-même.
ballot-proxy-withdraw = Reprendre ma procuration
ballot-proxy-vote-yourself = Voter vous-même reprend aussi votre procuration, tant qu'elle n'a pas servi.
ballot-proxy-give = Empêché ? Donnez procuration
ballot-proxy-explain = L'associé choisi vote pour vous séparément de son propre vote, pour ce scrutin seulement. Vous pouvez la reprendre, ou voter vous-même, tant qu'il ne l'a pas utilisée.
ballot-proxy-holder = Associé qui votera pour vous
ballot-proxy-give-button = Donner procuration
ballot-proxies-held = Procurations que vous détenez
ballot-vote-for = Voter pour { $name }
ballot-turnout = Participation
ballot-turnout-line = { $voted } associés sur { $roll } ont voté.
ballot-voted = Ont voté
ballot-not-yet = Pas encore
ballot-results = Résultats
ballot-quorum-missed = Le quorum n'est pas atteint ({ $participants } votants, { $required } requis) : rien n'est décidé.
ballot-quorum-met = Quorum atteint : { $participants } votants, { $required } requis.
ballot-quorum-missed-present = Le quorum n'est pas atteint ({ $present } associés présents ou représentés à la clôture du vote, { $required } requis) : rien n'est décidé.
ballot-quorum-met-present = Quorum atteint : { $present } associés présents ou représentés à la clôture du vote, { $required } requis.
ballot-carried = Adoptée
ballot-not-carried = Rejetée
ballot-motion-met = { $for } pour, { $against } contre, { $abstain } abstentions : { $percent } % de { $base } { $base_words } ; le seuil de la { $threshold } est atteint.
ballot-motion-not-met = { $for } pour, { $against } contre, { $abstain } abstentions : { $percent } % de { $base } { $base_words } ; le seuil de la { $threshold } n'est pas atteint.
ballot-threshold-simple = majorité simple
ballot-threshold-absolute = majorité absolue
ballot-threshold-two_thirds = majorité des deux tiers
ballot-threshold-three_quarters = majorité des trois quarts
ballot-threshold-custom = majorité de { $fraction }
ballot-base-cast_excluding_abstentions = suffrages exprimés (hors abstentions)
ballot-base-all_papers = bulletins déposés
ballot-base-roll = associés inscrits
ballot-base-members_present = associés présents ou représentés
ballot-rule-motion = Seuil : { $threshold }, calculé sur les { $base }.
ballot-no-abstention = pas d'abstention
ballot-elected = Élus :
ballot-void = nul : quorum non atteint
ballot-rule = Dépouillé selon { $rule }.
ballot-lot-used = une égalité a été départagée par tirage au sort
ballot-rounds = Voix à la fin de chaque tour
ballot-candidate = Candidat
ballot-exhausted = Épuisés
ballot-quota = Quotient
ballot-export-csv = Résultats (CSV)
ballot-export-blt = Bulletins de la question { $n } (BLT)
ballot-export-receipts = Récépissés publiés
ballot-seed = Graine du tirage au sort : { $seed }. Empreinte des bulletins dépouillés : { $hash }.
ballot-check-receipt = Vérifier votre récépissé
ballot-receipt-found = Votre bulletin est dans le décompte, tel que déposé. La vérification ne montre pas ce qu'il dit, pour que personne ne puisse se servir d'un code de récépissé pour prouver comment quelqu'un a voté.
ballot-receipt-not-found = Aucun bulletin de ce scrutin ne porte ce code.
ballot-receipt-code = Code du récépissé
ballot-check = Vérifier
ballot-questions = Questions
ballot-method-plurality = Scrutin majoritaire à un tour
ballot-method-approval = Vote par approbation
ballot-method-irv = Vote alternatif (second tour instantané)
ballot-method-scottish_stv = Vote unique transférable (règles écossaises)
ballot-method-meek = Vote unique transférable (Meek)
ballot-seats = { $seats } siège(s)
ballot-manage = Conduire ce scrutin
ballot-edit = Modifier le brouillon
ballot-open-explain = L'ouverture fige la liste électorale (les associés à jour maintenant) et publie la graine du tirage au sort. Elle est définitive.
ballot-open-now = Ouvrir le scrutin
ballot-roll = Liste électorale
ballot-meeting-papers = Votes papier en assemblée
ballot-close-now = Clore et dépouiller
ballot-cancel-reason = Pourquoi annuler ?
ballot-cancel = Annuler le scrutin
ballot-cancel-title = Annuler « { $title } » ?
ballot-cancel-early = Ce scrutin en ligne ferme le { $when } et { $voted } membres sur { $roll } ont voté. Les statuts ne permettent de le clore plus tôt qu'une fois que tous les membres de la liste électorale ont voté : le clore maintenant priverait les autres de leur vote. Il ne peut qu'être annulé.
ballot-cancel-consequence = Un scrutin annulé ne décide rien : aucun résultat n'est publié, rien de ce qu'il proposait ne prend effet, et chaque membre de la liste électorale apprend par e-mail qui l'a annulé et pourquoi.
ballot-cancel-confirm = Je comprends que ce scrutin ne décidera rien.
ballot-cancel-confirm-missing = Cochez la case pour confirmer l'annulation.
ballot-cancel-back = Garder le scrutin ouvert
ballot-field-title = Titre
ballot-field-description = Description (Markdown)
ballot-field-mode = Mode de vote
ballot-field-decision-kind = Nature de la décision
# Le fondement d'une décision : son issue, l'article et la règle, la version des statuts.
ballot-basis = { $outcome ->
        [carried] Adoptée
        [rejected] Rejetée
        [quorum] Rien n'est décidé (quorum non atteint)
        [decided] Décidé
        [cancelled] Annulé, rien n'est décidé,
       *[pending] À décider
    } { $version ->
        [none] selon les paramètres de gouvernance de la coopérative
       *[other] { $article ->
            [none] selon les statuts, version { $version }
           *[other] en vertu de l'article { $article } des statuts, version { $version }
        }
    } : { $rule }.
ballot-decision-kind-hint = Les statuts en vigueur fixent le quorum et la majorité minimaux de chaque nature de décision ; la première question, une motion, la prend.
ballot-of-the-board = Scrutin du conseil
ballot-of-the-board-explain = Les statuts confient cette décision au conseil : ses membres en règle votent, selon le quorum du conseil.
ballot-subject-admission = Admission de { $name }
ballot-subject-expulsion = Exclusion de { $name }
ballot-field-subject-admission = La personne candidate
ballot-field-subject-expulsion = Le membre
ballot-field-grounds = Motifs
ballot-grounds-hint = Ces motifs sont envoyés par écrit au membre à l'enregistrement du projet ; le vote ne peut pas s'ouvrir avant.
ballot-grounds = Motifs
ballot-grounds-sent = Envoyés par écrit au membre le { $when }.
ballot-grounds-not-sent = Les motifs ne sont pas encore parvenus au membre : enregistrez à nouveau le projet pour les envoyer.
ballot-hearing = Audition
ballot-heard-on = Le membre a été entendu le { $date } :
ballot-not-heard = Le membre n'a pas encore été entendu.
ballot-field-heard-on = Jour de l'audition
ballot-field-hearing-note = Ce que le membre a déclaré (ou qu'il a refusé de répondre)
ballot-record-hearing = Enregistrer l'audition
ballot-hearing-date-missing = Indiquez le jour de l'audition.
mail-expulsion-grounds-subject = { $coop } : une proposition de mettre fin à votre adhésion
mail-expulsion-grounds-body =
    { $name },

    Un projet de scrutin sur votre exclusion de { $coop } a été préparé : « { $title } ». Voici les motifs invoqués :

    { $grounds }

    Avant le vote, vous pouvez y répondre et être entendu·e, comme le prévoient les statuts. Le projet et ses motifs :
    { $link }
ballot-mode-online = En ligne, pendant une période
ballot-mode-meeting = En assemblée (ouvert et clos à la main)
ballot-field-opens-at = Ouverture automatique le (facultatif)
ballot-field-closes-at = Clôture le
ballot-field-secret = Vote secret
ballot-field-allow-change = Les associés peuvent modifier leur vote jusqu'à la clôture
ballot-field-quorum = Quorum
ballot-quorum-none = Pas de quorum
ballot-quorum-count = Un nombre d'associés
ballot-quorum-fraction = Une fraction des inscrits
ballot-field-quorum-value = Quorum : nombre ou fraction
ballot-field-proxies = Procurations
ballot-proxies-none = Pas de procuration
ballot-proxies-per_holder = Au plus N par associé
ballot-proxies-one_per = Une pour N inscrits
ballot-field-proxy-value = Procurations : nombre
ballot-question-n = Question { $n }
ballot-field-question-title = Question
ballot-field-question-text = Texte (Markdown)
ballot-field-links = Documents (un par ligne : libellé | https://…)
ballot-field-kind = Nature
ballot-kind-motion = Résolution (pour / contre)
ballot-kind-election = Élection
ballot-field-threshold = Majorité requise
ballot-field-fraction = Fraction particulière
ballot-field-base = Calculée sur
ballot-field-abstain = Les associés peuvent s'abstenir
ballot-field-method = Mode de dépouillement
ballot-field-seats = Sièges
ballot-field-max-choices = Nombre maximal de choix (facultatif)
ballot-field-candidates = Candidats (un par ligne : nom | profession de foi)
ballot-add-question = Ajouter une question
ballot-remove-question = Retirer la dernière question
ballot-save-draft = Enregistrer le brouillon
ballot-step = Question { $n } sur { $of }
ballot-voting-for = Vous votez pour { $name }, dont vous détenez la procuration.
ballot-for = Pour
ballot-against = Contre
ballot-abstain = Abstention
ballot-blank = Blanc (aucun candidat)
ballot-how-plurality = Choisissez un candidat.
ballot-how-approval = Cochez chaque candidat que vous approuvez.
ballot-how-approval-max = Cochez jusqu'à { $max } candidats que vous approuvez.
ballot-how-ranked = Numérotez les candidats dans votre ordre de préférence : 1 pour votre premier choix, 2 pour le deuxième… Laissez les autres vides.
ballot-receipt-to-change = Vous avez déjà voté : donnez votre code de récépissé pour remplacer ce vote
ballot-cast = Voter
ballot-next = Question suivante
ballot-voted-title = Vote enregistré
ballot-voted-line = Votre vote sur « { $title } » est enregistré. Merci.
ballot-vote-changed = Votre vote sur « { $title } » est remplacé par celui-ci.
ballot-voted-for = Votre vote pour { $name } sur « { $title } » est enregistré.
ballot-your-receipt = Votre récépissé
ballot-copy = Copier
ballot-receipt-explain = Gardez ce code. Il n'est affiché qu'une fois et vous seul l'avez : il permet de vérifier que votre bulletin est dans le décompte (pas ce qu'il dit) et, tant que le scrutin est ouvert, de modifier votre vote. Personne, pas même la coopérative, ne peut savoir par lui qui vous êtes.
ballot-back = Retour au scrutin
ballot-roll-explain = Qui a participé, jamais ce qu'il a choisi.
ballot-took-part = A participé
ballot-channel-online = en ligne
ballot-channel-proxy = par procuration
ballot-channel-meeting = sur papier en assemblée
ballot-meeting-explain = Enregistrez les votes papier des associés présents. Cochez qui a voté sur papier, puis donnez les bulletins groupés : le nombre de bulletins identiques et leurs réponses.
ballot-meeting-present = Associés ayant voté sur papier
ballot-meeting-lines = Bulletins
ballot-meeting-format = Une ligne par groupe de bulletins identiques : nombre | réponse à la question 1 | réponse à la question 2… Une réponse est pour, contre ou abstention ; ou des noms de candidats séparés par > (dans l'ordre) ou , (coches) ; ou - pour blanc.
ballot-meeting-record = Enregistrer les bulletins
home-open-ballots = Scrutins ouverts

## Governance parameters
nav-parameters = Règles
parameters-title = Les règles de la coopérative
parameters-explain = Concord applique ces paramètres pour admettre les associés, rembourser les parts et conduire les scrutins. Ils relèvent des statuts ; le conseil y reporte ce que disent les statuts.
parameters-saved = Les règles sont enregistrées. Les nouveaux scrutins les suivent désormais.
parameters-membership = Sociétariat
parameters-requires-qualifying-share = Un associé doit détenir une part d'adhésion entièrement libérée (et ne vote qu'alors)
parameters-on-leave-vote = Les associés en congé conservent leur voix
parameters-probation = Période de candidature avant l'admission, en mois (vide : aucune)
parameters-capital = Capital social
parameters-redemption-hold = Les remboursements attendent l'approbation des comptes de l'exercice
parameters-capital-floor = Aucun remboursement ne peut faire descendre le capital libéré sous
parameters-ballots = Scrutins (le minimum que tout scrutin doit exiger, et le maximum de procurations)
parameters-save = Enregistrer les règles
# Répartition des excédents (ristournes)
nav-patronage = Heures et excédents
capital-retained-patronage = Ristournes conservées au compte
patronage-title = Heures et répartition des excédents
patronage-my-hours = Mes heures et mes avis
patronage-years = Exercices
patronage-no-years = Aucun exercice pour l'instant.
patronage-year = Exercice
patronage-period = Période
patronage-distributions = Répartitions
patronage-new-year = Nouvel exercice
patronage-year-label = Nom (par ex. 2025)
patronage-starts-on = Premier jour
patronage-ends-on = Dernier jour
patronage-create-year = Créer l'exercice
year-status-open = ouvert à la saisie des heures
year-status-closed = clos pour les heures
year-status-distributed = réparti
distribution-status-draft = brouillon
distribution-status-proposed = proposée aux associés
distribution-status-approved = approuvée
distribution-status-posted = comptabilisée
distribution-status-reversed = contrepassée
patronage-total-hours = Total des heures
patronage-hours = Heures
patronage-wages = Salaires
patronage-no-hours = Aucune heure saisie.
patronage-enter-hours = Saisir ou corriger des heures
patronage-closed-hint = L'exercice est clos pour les heures : une correction demande un motif, et reste au journal d'audit avec les chiffres avant et après.
patronage-period-start = Période du
patronage-period-end = Période au
patronage-reason = Motif
patronage-save-hours = Enregistrer les heures
patronage-import = Importer des heures (CSV)
patronage-import-hint = Colonnes : member (numéro ou courriel), period_start, period_end, hours, wages (facultatif). Une seule ligne fausse et rien n'est importé.
patronage-close = Clore l'exercice pour les heures
patronage-close-hint = Une fois l'exercice clos, les heures se corrigent ligne par ligne avec un motif, et une répartition peut être calculée.
patronage-new-distribution = Calculer une répartition
patronage-surplus = Excédent distribuable
patronage-preset = Règles
patronage-preset-none = Celles de la coopérative (champs ci-dessous)
preset-scop_fr = SCOP (France)
preset-us_worker = Coopérative de travail (États-Unis)
preset-ca_federal = Coopérative (loi fédérale canadienne)
preset-qc_worker = Coopérative de travail (Québec)
patronage-rules-hint = Laissez un champ vide pour garder la valeur du modèle. Les taux sont des fractions : 0.15 vaut 15 %.
rule-reserve_rate = Taux de mise en réserve
rule-share_return_rate = Intérêt aux parts (taux annuel)
rule-share_return_max_of_surplus = Intérêt aux parts, au plus cette part de l'excédent
rule-patronage_basis = Base des ristournes (hours, wages, equal)
rule-min_hours = Heures minimales pour recevoir une ristourne
rule-cash_min_rate = Part minimale versée en espèces
rule-revolving_years = Ristournes retenues remboursées après (années)
patronage-board-may-approve = Les statuts permettent au conseil d'approuver cette répartition
patronage-compute = Calculer le brouillon
patronage-distribution = Répartition
patronage-reserve = Réserve impartageable
patronage-share-return = Intérêt aux parts
patronage-pool = Part travail
patronage-patronage = Ristourne
patronage-cash = Versé en espèces
patronage-retained = Conservé aux comptes de capital
patronage-total = Total
patronage-owed = Reste à verser
patronage-rule-hash = Règles (SHA-256)
patronage-eligible-capital = Capital pris en compte
patronage-chart-title = Où va l'excédent de { $surplus }
patronage-worked-line = Exemple de calcul
patronage-steps = Approbation et comptabilisation
patronage-rules-applied = Les règles appliquées
patronage-rule-preset = Jeu de règles
patronage-rule-custom = celui de la coopérative
patronage-rule-reserve = Part des excédents mise en réserve
patronage-rule-share-return = Rémunération annuelle des parts, au plus
patronage-rule-no-return = aucune
patronage-rule-approval = Approuvée par
patronage-rule-approval-board = le scrutin du conseil (ou des associés)
patronage-rule-approval-members = le scrutin des associés
patronage-bylaws-limits = Dans les limites des statuts en vigueur, version { $version }{ $article ->
    [none] {""}
   *[other] , article { $article }
} : au moins { $reserve } des excédents en réserve, au plus { $share_return } par an sur les parts, approbation par { $approver ->
    [board] le conseil ou les associés
   *[members] les associés
}.
patronage-ballot = Scrutin d'approbation
patronage-ballot-hint = Seuls les scrutins créés pour approuver une répartition, et non terminés, sont proposés ; la règle des statuts pour cette décision s’y applique.
patronage-ballot-create = Créer le scrutin d’approbation des associés
patronage-ballot-create-board = Créer le scrutin d’approbation du conseil
patronage-awaiting-ballot = Proposée : la répartition est approuvée si son scrutin l’adopte, et revient au brouillon sinon.
patronage-the-ballot = Le scrutin d’approbation
patronage-propose = Proposer aux associés
patronage-return = Revenir au brouillon
patronage-post = Comptabiliser
patronage-reverse = Contrepasser
patronage-record-payment = Enregistrer un versement
patronage-account = Compte
patronage-lines = Tous les associés
patronage-print = Version imprimable
patronage-csv = CSV pour le comptable
patronage-not-reproducible = le recalcul à partir des règles et des données conservées donne un autre résultat
patronage-capital-without-labour = Cette répartition rémunère le capital alors que le travail ne reçoit rien : aucun membre ne reçoit de ristourne. Vérifiez les règles (conditions, présence, réserve) et les heures avant de la proposer.
patronage-done-hours = Les heures sont enregistrées.
patronage-done-import = Les heures sont importées.
patronage-done-closed = L'exercice est clos pour les heures.
patronage-done-propose = La répartition est proposée aux associés.
patronage-done-approve = La répartition est approuvée.
patronage-done-return = La répartition est revenue au brouillon.
patronage-done-post = La répartition est comptabilisée ; les avis sont envoyés.
patronage-done-reverse = La comptabilisation est contrepassée.
patronage-done-payments = Le versement est enregistré.
patronage-own-rules = Les règles de la coopérative
patronage-own-rules-hint = Une nouvelle répartition part de ces règles quand elle ne nomme ni modèle ni règle. Les taux sont des fractions : 0.15 vaut 15 %. Chaque changement est gardé au journal d'audit.
patronage-own-rules-used = Le modèle et tous les champs laissés vides, ce sont les règles de la coopérative qui s'appliquent :
patronage-save-rules = Enregistrer les règles de la coopérative
patronage-done-rules = Les règles de la coopérative sont enregistrées.
patronage-payments = Versements enregistrés
patronage-reverse-payment = Annuler ce versement
patronage-payment-reversed = annulation d'un versement
patronage-done-payment-reverse = Le versement est annulé : le montant est de nouveau dû.
basis-hours = les heures travaillées
basis-wages = les salaires
basis-equal = parts égales
basis-mix = un mélange d'heures, de salaires et de parts égales
notice-title = Avis de répartition
notice-not-final = Pas encore définitif : les associés doivent encore l'approuver.
notice-posted-on = Comptabilisé le { $date }.
notice-rules = Les règles appliquées
notice-rule-text = Sur un excédent de { $surplus }, { $reserve } % sont allés à la réserve impartageable ; la part travail a été répartie selon { $basis }, et au moins { $cash } % de chaque ristourne est versé en espèces, le reste conservé à votre compte de capital.
notice-share-rule = Les parts libérées ont rapporté au plus { $rate } % par an, au prorata des jours de détention.
notice-print-hint = Imprimez cette page pour vos dossiers.
mail-notice-subject = Votre avis de répartition { $year } — { $coop }
mail-notice-body =
    La répartition des excédents { $year } de { $coop } est comptabilisée.

    Vos heures : { $hours }
    Intérêt de vos parts : { $share_return }
    Votre ristourne : { $patronage }, dont { $cash } versés en espèces et { $retained } conservés à votre compte de capital.

    Votre avis, avec les règles appliquées :
    { $link }
nav-label = Menu principal

# the revolving schedule of retained patronage
revolving-title = Ristournes retenues à rembourser
revolving-done-redeemed = Les ristournes retenues échues sont remboursées : les montants sont dus aux membres en espèces jusqu'au paiement.
revolving-rule = Les ristournes retenues de chaque exercice sont remboursées { $years } ans après la fin de l'exercice.
revolving-none = Les règles de la coopérative ne fixent pas de durée de remboursement (revolving_years) : les ristournes retenues ne sont pas remboursées selon un calendrier.
revolving-none-member = La coopérative n'a pas de calendrier de remboursement : les ristournes retenues restent sur votre compte.
revolving-show = Afficher
revolving-due = À rembourser
revolving-nothing-due = Rien n'est à rembourser à cette date.
revolving-member = Membre
revolving-due-on = Échéance
revolving-retained = Retenu
revolving-lost = Imputé aux pertes
revolving-redeemed = Remboursé
revolving-outstanding = Encore retenu
revolving-amount-due = Montant dû
revolving-expected = Remboursement prévu
revolving-settled = Remboursé
revolving-due-now = Échu
revolving-schedule = Ristournes retenues : le calendrier de remboursement
revolving-redeem = Rembourser
revolving-redeem-hint = Le remboursement écrit en une fois les écritures du registre du capital qui retirent chaque montant échu du compte du membre et la somme due en espèces à chaque membre, que vous payez ensuite et enregistrez sur la répartition de l'exercice. Un exercice n'est remboursé qu'une fois.
revolving-every-year = Tous les exercices échus
revolving-redeem-submit = Rembourser les ristournes retenues échues
revolving-payable = Ristournes retenues remboursées
revolving-reverse = Annuler un remboursement
input-control-character = Ce texte contient un caractère de contrôle (comme NUL) à la ligne { $line } ; seuls les tabulations et les retours à la ligne sont acceptés.

## L'accueil de la coopérative pour une personne inscrite au registre qui n'en est pas (ou plus) membre
standing-applicant = Votre candidature à { $coop } attend une décision. Vous serez prévenu·e par courriel lorsqu'elle sera prise ; d'ici là, les pages de la coopérative sont réservées à ses membres.
standing-former = Vous n'êtes plus membre de { $coop }. Vous gardez l'accès à vos propres relevés : ce que vous détenez ou ce qui vous est dû, et vos avis d'affectation.
standing-former-capital = Votre relevé de capital et ce que la coopérative vous doit
standing-former-patronage = Vos heures et vos avis d'affectation

## Une invitation pour une personne qui a déjà un compte Concord
members-done-invitation-pending = Cette adresse a déjà un compte Concord : sa ou son titulaire a reçu une invitation par courriel, et rejoindra la coopérative, avec les rôles choisis, en l'acceptant.
accept-title = Rejoindre une coopérative
accept-hint = Vous êtes invité·e à rejoindre une coopérative sur Concord. Acceptez pour figurer à son registre, avec les rôles que son administrateur ou administratrice vous a donnés.
accept-submit = Accepter l'invitation
accept-joined = Vous avez rejoint { $coop }. Connectez-vous pour la voir.

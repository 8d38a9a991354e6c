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
    Le conseil de { $coop } vous a admis·e. Bienvenue !

    Ouvrez ce lien pour choisir votre mot de passe et vous connecter à Concord :
    { $link }
mail-application-subject = Nouvelle candidature à { $coop }
mail-application-body =
    { $name } a demandé à rejoindre la coopérative.

    Sa candidature est au registre :
    { $link }
apply-title = Demander à rejoindre { $coop }
apply-hint = Présentez-vous à la coopérative. Le conseil statue sur les candidatures ; vous recevrez un courriel quand ce sera fait.
apply-name = Votre nom
apply-email = Votre adresse électronique
apply-motivation = Pourquoi souhaitez-vous nous rejoindre ?
apply-submit = Envoyer ma candidature
apply-sent = Merci : votre candidature est enregistrée et le ou la secrétaire de la coopérative a été prévenu·e.
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
import-hint = Collez le registre en CSV avec une ligne d’en-tête. Colonnes : number (facultatif), name, email, status (member ou applicant), member_since (AAAA-MM-JJ), employment_status (worker ou non_worker), roles (séparés par ;). Tout le fichier est vérifié d’abord : si une ligne est fausse, rien n’est importé et chaque ligne fausse est listée.
import-label = Registre (CSV)
import-submit = Importer
import-failed = Rien n’a été importé. Corrigez ces lignes et importez à nouveau :
import-done = { $count } personnes inscrites au registre. Elles peuvent choisir un mot de passe avec « Mot de passe oublié ? » sur la page de connexion.
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
patronage-ballot = Scrutin d'approbation
patronage-propose = Proposer aux associés
patronage-approve = Approuver (conseil)
patronage-return = Revenir au brouillon
patronage-post = Comptabiliser
patronage-reverse = Contrepasser
patronage-record-payment = Enregistrer un versement
patronage-account = Compte
patronage-lines = Tous les associés
patronage-print = Version imprimable
patronage-csv = CSV pour le comptable
patronage-not-reproducible = le recalcul à partir des règles et des données conservées donne un autre résultat
patronage-done-hours = Les heures sont enregistrées.
patronage-done-import = Les heures sont importées.
patronage-done-closed = L'exercice est clos pour les heures.
patronage-done-propose = La répartition est proposée aux associés.
patronage-done-approve = La répartition est approuvée.
patronage-done-return = La répartition est revenue au brouillon.
patronage-done-post = La répartition est comptabilisée ; les avis sont envoyés.
patronage-done-reverse = La comptabilisation est contrepassée.
patronage-done-payments = Le versement est enregistré.
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

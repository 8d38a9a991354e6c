found-title = Fonder une coopérative
found-explain = Première étape : le nom de votre coopérative et son pays. Vous en devenez le premier membre, avec tous les rôles de responsable, jusqu'à ce que vous les confiiez à d'autres. Le reste se règle ensuite étape par étape ; vous pouvez vous arrêter et revenir à tout moment.
found-name = Nom de la coopérative
found-slug = Nom court pour son adresse web
found-slug-hint = Lettres minuscules, chiffres et traits d'union, par ex. boulangers-du-fleuve.
found-preset = Pays et forme juridique
found-preset-scop_fr = SCOP française (Société coopérative et participative)
found-preset-us_worker = Coopérative de travail américaine avec comptes de capital internes
found-preset-ca_federal = Coopérative canadienne sous la loi fédérale
found-preset-qc_worker = Coopérative de travail du Québec
found-preset-custom = Autre pays ou autre forme (choisissez les réglages ci-dessous)
found-settings = Monnaie, langue et fuseau horaire
found-settings-hint = Laissés sur « selon le modèle », ils prennent les valeurs habituelles du pays choisi ci-dessus.
found-from-preset = Selon le modèle
found-locale = Langue de la coopérative
found-submit = Fonder la coopérative
setup-title = Mise en place de la coopérative
setup-progress = { $done } étape(s) faite(s) sur { $total }.
setup-explain = Chaque étape ouvre la page où elle se fait ; revenez ici quand vous voulez. Rien n'est fait à moitié : chaque étape est enregistrée en entier ou pas du tout.
setup-done = Fait
setup-to-do = À faire
setup-step-classes = Définir les catégories de parts
setup-step-classes-hint = Les parts que les membres achètent : valeur nominale, part d'admission, versements échelonnés.
setup-step-bylaws = Adopter les statuts
setup-step-bylaws-hint = Partez des statuts types ou collez les vôtres ; ils portent les règles de gouvernance (quorum, majorités, procurations), expliquées en clair.
setup-step-distribution = Vérifier les règles de répartition des excédents
setup-step-distribution-hint = Les réserves, la rémunération des parts et la ristourne au travail, selon le modèle de votre pays.
setup-step-register = Importer le registre des membres
setup-step-register-hint = Un fichier CSV de vos membres, vérifié en entier : une ligne fausse et rien n'est importé.
setup-step-holdings = Importer les parts détenues
setup-step-holdings-hint = Un fichier CSV de qui détient quelles parts et ce qui en est payé.
setup-step-invitations = Inviter les membres
setup-step-invitations-hint = Chaque membre reçoit un courriel avec un lien pour choisir son mot de passe.
setup-step-ballot = Préparer un premier scrutin
setup-step-ballot-hint = Une résolution ou une élection, en ligne ou en assemblée.
setup-invitations = Invitations
setup-invited = { $count ->
    [one] Une invitation envoyée.
   *[other] { $count } invitations envoyées.
}
setup-waiting = { $count ->
    [0] Tous les membres ont choisi un mot de passe.
    [one] Un membre n'a pas encore choisi de mot de passe.
   *[other] { $count } membres n'ont pas encore choisi de mot de passe.
}
setup-invite-all = { $count ->
    [one] Inviter le membre qui n'a pas encore de lien
   *[other] Inviter les { $count } membres qui n'ont pas encore de lien
}
setup-invite-one = Inviter quelqu'un d'autre, ou changer les rôles
setup-todo-title = À faire
setup-todo-steps = { $count ->
    [one] Il reste une étape de mise en place.
   *[other] Il reste { $count } étapes de mise en place.
}
setup-todo-no-password = { $count ->
    [one] Un membre invité n'a pas choisi de mot de passe.
   *[other] { $count } membres invités n'ont pas choisi de mot de passe.
}
setup-todo-no-fiscal-year = Aucun exercice pour l'instant : les heures ne peuvent pas être saisies.
home-found = Fonder une coopérative
holdings-title = Importer les parts déjà détenues
holdings-hint = Collez les parts en CSV avec une ligne d'en-tête. Colonnes : email (un membre du registre), class (le nom d'une catégorie de parts), shares (nombre de parts), subscribed_on (AAAA-MM-JJ), paid (ce qui est payé ; vide : entièrement payé), paid_on (vide : la date de souscription), reference (facultatif). Tout le fichier est vérifié d'abord : si une ligne est fausse, rien n'est importé et chaque ligne fausse est indiquée.
holdings-label = Parts détenues (CSV)
holdings-submit = Importer les parts
holdings-done = { $count ->
    [one] Une souscription est importée.
   *[other] { $count } souscriptions sont importées.
}

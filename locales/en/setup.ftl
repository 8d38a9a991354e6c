found-title = Found a co-op
found-explain = The first step: your co-op's name and where it is. You become its first member, with every officer's role, until you hand them out. Everything else is set up step by step afterwards, and you can stop and come back at any point.
found-name = The co-op's name
found-slug = Short name for its web address
found-slug-hint = Lowercase letters, digits and hyphens, e.g. riverside-bakers.
found-preset = Country and legal form
found-preset-scop_fr = French SCOP (Société coopérative et participative)
found-preset-us_worker = US worker cooperative with internal capital accounts
found-preset-ca_federal = Canadian co-operative under the federal act
found-preset-qc_worker = Québec worker co-operative
found-preset-custom = Another country or form (choose the settings below)
found-settings = Currency, language and time zone
found-settings-hint = Left on "from the preset", they take the usual values of the country chosen above.
found-from-preset = From the preset
found-locale = The co-op's language
found-submit = Found the co-op
setup-title = Setting up the co-op
setup-progress = { $done } of { $total } steps done.
setup-explain = Each step opens the page where it is done; come back here at any time. Nothing is half-done: each step is saved whole or not at all.
setup-done = Done
setup-to-do = To do
setup-step-classes = Define the share classes
setup-step-classes-hint = The shares members buy: par value, the qualifying share, instalments.
setup-step-bylaws = Adopt the bylaws
setup-step-bylaws-hint = Start from the model bylaws or paste your own; they carry the governance rules (quorum, majorities, proxies), shown in plain words.
setup-step-distribution = Check the year-end distribution rules
setup-step-distribution-hint = The reserve, the return on shares and patronage by hours, from your country's preset.
setup-step-register = Import the register of members
setup-step-register-hint = A CSV file of your members, checked whole: one bad line and nothing is imported.
setup-step-holdings = Import the share holdings
setup-step-holdings-hint = A CSV file of who holds which shares and what they have paid.
setup-step-invitations = Invite the members
setup-step-invitations-hint = Each member gets an e-mail with a link to choose a password.
setup-step-ballot = Prepare a first ballot
setup-step-ballot-hint = A motion or an election, online or at a meeting.
setup-invitations = Invitations
setup-invited = { $count ->
    [one] One invitation sent.
   *[other] { $count } invitations sent.
}
setup-waiting = { $count ->
    [0] Every member has set a password.
    [one] One member has not set a password yet.
   *[other] { $count } members have not set a password yet.
}
setup-invite-all = { $count ->
    [one] Invite the member who has no link yet
   *[other] Invite the { $count } members who have no link yet
}
setup-invite-one = Invite someone else, or change roles
setup-todo-title = To do
setup-todo-steps = { $count ->
    [one] One setup step is left.
   *[other] { $count } setup steps are left.
}
setup-todo-no-password = { $count ->
    [one] One invited member has not set a password.
   *[other] { $count } invited members have not set a password.
}
setup-todo-no-fiscal-year = No fiscal year yet: hours cannot be recorded.
home-found = Found a co-op
holdings-title = Import existing share holdings
holdings-hint = Paste the holdings as CSV with a header line. Columns: email (a member on the register), class (a share class's name), shares, subscribed_on (YYYY-MM-DD), paid (what has been paid; blank: fully paid), paid_on (blank: the subscription's date), reference (optional). The whole file is checked first: if any line is wrong, nothing is imported and every wrong line is listed.
holdings-label = Holdings (CSV)
holdings-submit = Import the holdings
holdings-done = { $count ->
    [one] One holding is imported.
   *[other] { $count } holdings are imported.
}

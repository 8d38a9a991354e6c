app-name = Concord
app-tagline = Governance for worker co-operatives
skip-to-content = Skip to content
nav-home = Home
nav-members = Accounts and roles
nav-register = Register
nav-audit = Audit log
nav-account = My account
nav-logout = Log out
nav-login = Log in
language-label = Language
language-switch = Change language
lang-en = English
lang-fr = Français
home-welcome = Welcome, { $name }
home-your-coops = Your co-operatives
home-no-coops = You do not belong to any co-operative yet. An administrator of your co-op can invite you.
coop-home-title = { $coop }
coop-your-roles = Your roles here
coop-currency = Currency
coop-time-zone = Time zone
coop-coming = Ballots, shares, hours and bylaws appear here as your co-op starts using them.
role-member = Member
role-treasurer = Treasurer
role-secretary = Secretary
role-board = Board
role-admin = Administrator
login-title = Log in
login-email = E-mail
login-password = Password
login-submit = Log in
login-forgot = Forgot your password?
login-failed = The e-mail or the password is wrong.
login-throttled = Too many attempts. Try again in { $seconds } seconds.
account-title = My account
account-profile = Name and language
account-display-name = Name
account-save = Save
account-password = Password
account-current-password = Current password
account-new-password = New password
account-password-hint = At least 12 characters. A sentence of a few words is easy to remember and hard to guess.
account-change-password = Change password
account-sessions = Sessions
account-sessions-hint = Logs you out of every browser and revokes every API token, including this one.
account-logout-everywhere = Log out everywhere
account-done-profile = Your name and language are saved.
account-done-password = Your password is changed. Every other session has been logged out.
forgot-title = Forgotten password
forgot-hint = Enter your e-mail address. If it belongs to an account, we send a link to choose a new password.
forgot-submit = Send the link
forgot-sent = If this address belongs to an account, a link is on its way. It works once and expires within the hour.
reset-title = Choose a password
reset-submit = Save the password
reset-invalid = This link has expired or has already been used. Ask for a new one.
reset-ask-again = Ask for a new link
members-title = Members
members-name = Name
members-email = E-mail
members-roles = Roles
members-status = Status
members-active = Active
members-invited = Invited
members-save-roles = Save roles
members-roles-for = Roles of { $name }
members-invite = Invite someone
members-invite-submit = Send the invitation
members-done-invited = The invitation is sent.
members-done-roles = The roles are saved.
audit-title = Audit log
audit-hint = Every change made in this co-op, newest first. Each entry is chained to the one before it, so no entry can be changed or removed unnoticed.
audit-seq = No.
audit-at = When
audit-actor = Who
audit-action = What
audit-subject = About
audit-system = system
audit-older = Older entries
audit-csv = Download as CSV
audit-empty = Nothing has been recorded yet.
error-title = Something is wrong
error-401 = Please log in.
error-403 = You are not allowed to do this. If you submitted a form, it may have expired: reload the page and try again.
error-404 = This page does not exist, or you do not have access to it.
error-405 = This action is not available here.
error-413 = What you sent is too large.
error-429 = Too many attempts. Please wait a moment.
error-500 = Something went wrong on our side. It has been logged.
error-503 = The service is temporarily unavailable. Please try again shortly.
error-other = The request could not be completed.
error-back-home = Back to the home page
form-has-errors = Please correct the fields marked below.
mail-reset-subject = Choose a new Concord password
mail-reset-body =
    Someone (hopefully you) asked to reset the password of your Concord account.

    Open this link to choose a new password. It works once and expires in { $minutes } minutes:
    { $link }

    If you did not ask for this, ignore this message: your password stays as it is.
mail-invite-subject = You are invited to { $coop } on Concord
mail-invite-body =
    { $inviter } has invited you to { $coop } on Concord, where the co-op's members vote, follow their shares and see the year-end distribution.

    Open this link to join:
    { $link }
mail-admitted-subject = Welcome to { $coop }
mail-admitted-body =
    You have been admitted to { $coop }. Welcome!

    Open this link to choose your password and sign in to Concord:
    { $link }
mail-application-subject = New application to { $coop }
mail-application-body =
    { $name } has applied to join the co-op.

    Their application is on the register:
    { $link }
apply-title = Apply to join { $coop }
coop-dissolved = The members dissolved the co-op on { $date }: it is being wound up, and takes no applications, admissions or new subscriptions.
apply-closed-dissolved = The co-op has been dissolved by its members and takes no applications.
apply-hint = Tell the co-op who you are. The board decides on applications; you will get an e-mail when it has.
apply-name = Your name
apply-email = Your e-mail
apply-motivation = Why do you want to join?
apply-submit = Send my application
apply-sent = Thank you. To make sure the address is yours, we have sent you an e-mail: open its link to confirm your application.
apply-confirm-title = Confirm your application to { $coop }
apply-confirm-hint = Confirm that you want to apply to join { $coop } with this e-mail address.
apply-confirm-submit = Confirm my application
apply-confirm-recorded = Thank you: your application is recorded and the co-op's secretary has been told. The board decides on applications; you will get an e-mail when it has.
apply-confirm-already = This address already has an application or a membership in { $coop }: nothing was changed.
mail-apply-confirm-subject = Confirm your application to { $coop }
mail-apply-confirm-body =
    Hello { $name },

    Someone, probably you, asked to join { $coop } with this e-mail address. To confirm the application, open this link:
    { $link }

    If it was not you, ignore this e-mail: nothing is recorded without your confirmation.
register-title = Register of members
register-as-of = As of
register-status = Status
register-all = All statuses
register-search = Search
register-filter = Show
register-csv = Download as CSV
register-number = No.
register-applied = Applied
register-member-since = Member since
register-left = Left
register-may-vote = May vote
register-yes = yes
register-no = no
register-empty = No one matches.
status-applicant = Applicant
status-candidate = Candidate
status-admitted = Admitted
status-member = Member
status-on_leave = On leave
status-resigned = Resigned
status-expelled = Expelled
status-rejected = Rejected
status-withdrawn = Withdrawn
member-history = History
member-propose-admission = Put the admission to a vote
member-propose-expulsion = Propose an expulsion
member-effective = Effective
member-decision = Decision
member-reason = Reason
member-recorded-by = Recorded by
member-change = Change the status
member-transition = Change
member-date = Date
member-until = Until (optional)
member-notice-date = Notice given on
member-effective-date = Effective on
member-apply-change = Record the change
member-done-changed = The change is recorded.
transition-start_probation = Start the candidate period
transition-admit = Admit (board decision)
transition-go_on_leave = Start a leave
transition-return_from_leave = Return from leave
transition-resign = Resignation
transition-expel = Expel (board decision)
transition-reject = Reject the application
transition-withdraw = Withdrawal
transition-apply = Application
transition-become_member = Became a member
nav-capital = Capital
nav-my-shares = My shares
capital-title = Share capital
capital-done-class = The share class is created.
capital-members = Members with capital
capital-shares-held = Shares held
capital-subscribed = Subscribed
capital-paid = Paid
capital-unpaid = Still to pay
capital-overdue = Overdue
capital-redemption-payable = Redemptions to pay out
capital-balance = Capital account balance
capital-accounts = Members' accounts
capital-no-accounts = No one holds shares yet.
capital-classes = Share classes
capital-qualifying = qualifying share (makes a member)
capital-max = at most { $max } per member
capital-instalments = payable in { $count } instalments every { $months } months
capital-new-class = New share class
capital-class-name = Share class
capital-par-value = Par value of one share
capital-max-label = Most shares per member (optional)
capital-instalment-count = Number of instalments (optional)
capital-instalment-period = Months between instalments (optional)
capital-create-class = Create the class
statement-title = Capital statement
statement-done = The entry is recorded.
statement-subscriptions = Subscriptions
statement-none = No subscription yet.
statement-due = Due on
statement-amount = Amount
statement-method = Paid by
statement-reference = Reference (bank, cheque)
statement-record-payment = Record the payment
statement-subscribe = Subscribe shares
statement-shares = Number of shares
statement-in-instalments = Pay in instalments
statement-subscribe-submit = Subscribe
statement-backdate-reason = Reason, if dated before today
statement-backdate-hint = A subscription may be dated back to the first day after the last closed fiscal year, never into closed books.
instalment-paid = Paid
instalment-upcoming = Upcoming
instalment-due = Due
instalment-overdue = Overdue
method-bank_transfer = Bank transfer
method-cash = Cash
method-cheque = Cheque
method-card = Card
method-payroll_deduction = Payroll deduction
method-other = Other
import-title = Import an existing register
import-hint = Paste the register as CSV with a header line. Columns: number (optional), name, email, status (member or applicant), member_since (YYYY-MM-DD), employment_status (worker or non_worker). An import gives no roles. The whole file is checked first: if any line is wrong, nothing is imported and every wrong line is listed.
import-label = Register (CSV)
import-submit = Import
import-failed = Nothing was imported. Correct these lines and import again:
import-too-many-rows = The file has { $rows } rows; an import takes at most { $limit }. Split it, or ask the operator to raise the limit (CONCORD_IMPORT_MAX_ROWS).
import-done = { $count } people entered on the register. They can choose a password with "Forgot your password?" on the login page.
import-job-title = Register import
import-job-started = Started
import-job-queued = Waiting to start: { $rows } rows.
import-job-running = Importing { $rows } rows…
import-job-wait = A large register is imported in the background, whole or not at all. This page shows the result when it is done; you may leave it and come back.
import-job-back = Back to the register
export-job-title = Export
export-job-started = Asked for
export-job-queued = Waiting to start.
export-job-running = Writing the file…
export-job-wait = A large co-op's file is written in the background. This page shows the link when it is ready; you may leave it and come back.
export-job-done = The file is ready: { $rows ->
    [one] { $rows } line.
   *[other] { $rows } lines.
}
export-job-download = Download { $filename }
export-job-until = Available until
export-job-expired = This file was erased a day after it was made. Ask for the export again.
export-job-failed = The export failed.
export-job-back = Back to the co-op
mail-instalment-subject = A share instalment is due at { $coop }
mail-instalment-body =
    A payment for your shares in { $coop } is due: { $due } in all, of which { $overdue } is overdue.

    Your statement, with each instalment and its due date:
    { $link }

    If you have paid in the last few days, thank you: the treasurer will record it.
mail-redemption-subject = Your shares in { $coop } will be redeemed
mail-redemption-body =
    The board of { $coop } has decided to redeem { $shares } of your shares at par: { $amount } will be paid to you.

    Your statement shows the amount until it is paid:
    { $link }
statement-board = Board decision on these shares
statement-transfer = Transfer to another member
statement-redeem = Redeem at par
statement-buyer = To (transfers only)
statement-csv = Download the entries as CSV (print this page for a printable statement)
member-done-profile = The profile is saved.
member-profile = Profile on the register
member-employment = Employment
member-employment-start = Started working on
member-since-date = since { $date }
member-board-notes = Board's notes (seen by the board only)
employment-worker = Worker member
employment-non_worker = Non-worker member

## Ballots: e-mail
mail-ballot-opened-subject = Vote now: { $title } ({ $coop })
mail-ballot-opened-body =
    Hello { $name },

    The ballot "{ $title }" is open at { $coop }. You may vote until { $closes }.

    Vote here (it takes a minute, on a phone too):
    { $link }

    Each member has exactly one vote, whatever shares they hold.
mail-ballot-reminder-subject = Last day to vote: { $title } ({ $coop })
mail-ballot-reminder-body =
    Hello { $name },

    You have not voted yet on "{ $title }" at { $coop }. The ballot closes at { $closes }.

    Vote here:
    { $link }
mail-ballot-result-subject = Result: { $title } ({ $coop })
mail-ballot-result-body =
    Hello { $name },

    The ballot "{ $title }" at { $coop } is closed{ $ended ->
        [everyone] , before its closing time because every member on the roll had voted
       *[other] {""}
    }. The result, with the arithmetic that decided it, is here:
    { $link }{ $basis ->
        [none] {""}
       *[other] {"\u000A"}{"\u000A"}{ $basis }
    }
mail-ballot-notice-subject = Notice of a ballot: { $title } ({ $coop })
mail-ballot-notice-body =
    Hello { $name },

    This is the notice the bylaws of { $coop } require: the ballot "{ $title }"
    opens on { $opens } and closes on { $closes }. The text of every question is here:
    { $link }

    You will get another e-mail when it opens.
mail-ballot-cancelled-subject = Cancelled: { $title } ({ $coop })
mail-ballot-cancelled-body =
    Hello { $name },

    The ballot "{ $title }" at { $coop } was cancelled by { $by }, who gave this reason:

    { $reason }

    A cancelled ballot decides nothing: no result is published and no vote cast in it counts.
    { $link }
mail-meeting-convocation-subject = Convocation: { $title } ({ $coop })
mail-meeting-convocation-body =
    Hello { $name },

    You are convened to "{ $title }" at { $coop }, on { $when }, { $place }.
    The agenda and the proposals are here:
    { $link }

## Ballots: pages
nav-ballots = Ballots
ballots-title = Ballots
ballots-new = New ballot
ballots-none = No ballot yet.
ballot-status-draft = Draft
ballot-status-open = Open
ballot-status-closed = Closed
ballot-status-cancelled = Cancelled
ballot-closes = Closes { $when }
ballot-opens = Opens { $when }
ballot-you-voted = Voted
ballot-vote-now = Vote now
ballot-secret = Secret ballot
ballot-open-vote = Open vote (names published after the close)
ballot-cancelled-because = This ballot was cancelled: { $reason }
ballot-your-vote = Your vote
ballot-recorded-online = Your vote is recorded.
ballot-recorded-proxy = Your proxy holder voted for you.
ballot-recorded-meeting = Your paper vote at the meeting is recorded.
ballot-change-vote = Change my vote
ballot-not-on-roll = You are not on this ballot's roll: only members in good standing when it opened may vote.
ballot-proxy-given = You gave your proxy to { $name }. They can vote for you until you vote yourself.
ballot-proxy-withdraw = Take my proxy back
ballot-proxy-vote-yourself = Voting yourself also takes your proxy back, as long as it has not been used.
ballot-proxy-give = Cannot vote? Give your proxy
ballot-proxy-explain = The member you choose casts your vote separately from theirs, on this ballot only. You can take it back, or vote yourself, until they use it.
ballot-proxy-holder = Member who will vote for you
ballot-proxy-give-button = Give my proxy
ballot-proxies-held = Proxies you hold
ballot-vote-for = Vote for { $name }
ballot-turnout = Turnout
ballot-turnout-line = { $voted } of { $roll } members have voted.
ballot-voted = Voted
ballot-not-yet = Not yet
ballot-results = Results
ballot-quorum-missed = The quorum was not reached ({ $participants } took part, { $required } were needed): nothing was decided.
ballot-quorum-met = Quorum reached: { $participants } took part, { $required } were needed.
ballot-quorum-missed-present = The quorum was not reached ({ $present } members present or represented when the vote closed, { $required } were needed): nothing was decided.
ballot-quorum-met-present = Quorum reached: { $present } members present or represented when the vote closed, { $required } were needed.
ballot-carried = Carried
ballot-not-carried = Not carried
ballot-motion-met = { $for } for, { $against } against, { $abstain } abstaining: { $percent } % of { $base } { $base_words }; the { $threshold } threshold is met.
ballot-motion-not-met = { $for } for, { $against } against, { $abstain } abstaining: { $percent } % of { $base } { $base_words }; the { $threshold } threshold is not met.
ballot-threshold-simple = simple majority
ballot-threshold-absolute = absolute majority
ballot-threshold-two_thirds = two-thirds
ballot-threshold-three_quarters = three-quarters
ballot-threshold-custom = { $fraction }
ballot-base-cast_excluding_abstentions = votes cast excluding abstentions
ballot-base-all_papers = papers cast
ballot-base-roll = members on the roll
ballot-base-members_present = members present or represented
ballot-rule-motion = Threshold: { $threshold }, measured against the { $base }.
ballot-no-abstention = no abstention
ballot-elected = Elected:
ballot-void = void: quorum not reached
ballot-rule = Counted by { $rule }.
ballot-lot-used = a tie was decided by lot
ballot-rounds = Votes at the end of each round
ballot-candidate = Candidate
ballot-exhausted = Exhausted
ballot-quota = Quota
ballot-export-csv = Results (CSV)
ballot-export-blt = Papers of question { $n } (BLT)
ballot-export-receipts = Published receipts
ballot-seed = Seed of the lots: { $seed }. Fingerprint of the papers counted: { $hash }.
ballot-check-receipt = Check your receipt
ballot-receipt-found = Your paper is in the count, as cast. The check does not show what it says, so that nobody can use a receipt code to prove how someone voted.
ballot-receipt-not-found = No paper of this ballot has this receipt code.
ballot-receipt-code = Receipt code
ballot-check = Check
ballot-questions = Questions
ballot-method-plurality = Plurality
ballot-method-approval = Approval voting
ballot-method-irv = Instant-runoff
ballot-method-scottish_stv = Single transferable vote (Scottish rules)
ballot-method-meek = Single transferable vote (Meek)
ballot-seats = { $seats } seat(s)
ballot-manage = Run this ballot
ballot-edit = Edit the draft
ballot-open-explain = Opening freezes the roll (the members in good standing now) and publishes the seed of the lots. It cannot be undone.
ballot-open-now = Open the ballot
ballot-roll = Roll
ballot-meeting-papers = Paper votes at the meeting
ballot-close-now = Close and count
ballot-cancel-reason = Why cancel?
ballot-cancel = Cancel the ballot
ballot-cancel-title = Cancel “{ $title }”?
ballot-cancel-early = This online ballot closes on { $when } and { $voted } of { $roll } members have voted. The bylaws let it close early only once every member on the roll has voted: closing now would take the others' vote away. It can only be cancelled.
ballot-cancel-consequence = A cancelled ballot decides nothing: no result is published, nothing it proposed takes effect, and every member on the roll is told by e-mail who cancelled it and why.
ballot-cancel-confirm = I understand that this ballot will decide nothing.
ballot-cancel-confirm-missing = Tick the box to confirm the cancellation.
ballot-cancel-back = Keep the ballot open
ballot-field-title = Title
ballot-field-description = Description (Markdown)
ballot-field-mode = How members vote
ballot-field-decision-kind = Kind of decision
# The legal basis of a decision: its outcome, the article and rule, the bylaws' version.
ballot-basis = { $outcome ->
        [carried] Carried under
        [rejected] Not carried under
        [quorum] Nothing decided (quorum not reached) under
        [decided] Decided under
        [cancelled] Cancelled, nothing decided, under
       *[pending] To be decided under
    } { $version ->
        [none] the co-op's governance parameters ({ $rule })
       *[other] { $article ->
            [none] the bylaws, version { $version } ({ $rule })
           *[other] Article { $article } ({ $rule }), bylaws version { $version }
        }
    }.
ballot-decision-kind-hint = The bylaws in force set the least quorum and majority of each kind; the first question, a motion, takes the decision.
ballot-of-the-board = Ballot of the board
ballot-of-the-board-explain = The bylaws give this decision to the board: the board's members in good standing vote, under the board's quorum.
ballot-subject-admission = Admission of { $name }
ballot-subject-expulsion = Expulsion of { $name }
ballot-field-subject-admission = The applicant
ballot-field-subject-expulsion = The member
ballot-field-grounds = Grounds
ballot-grounds-hint = The member is sent these grounds in writing when the draft is saved; the vote cannot open before.
ballot-grounds = Grounds
ballot-grounds-sent = Sent to the member in writing on { $when }.
ballot-grounds-not-sent = The grounds have not reached the member yet: save the draft again to send them.
ballot-hearing = Hearing
ballot-heard-on = The member was heard on { $date }:
ballot-not-heard = The member has not been heard yet.
ballot-field-heard-on = Day of the hearing
ballot-field-hearing-note = What the member said (or that they declined to answer)
ballot-record-hearing = Record the hearing
ballot-hearing-date-missing = Give the day of the hearing.
mail-expulsion-grounds-subject = { $coop }: a proposal to end your membership
mail-expulsion-grounds-body =
    { $name },

    A ballot on your expulsion from { $coop } has been drafted: "{ $title }". These are the grounds given:

    { $grounds }

    Before the vote you may answer them and be heard, as the bylaws provide. The draft and its grounds:
    { $link }
ballot-mode-online = Online, during a window
ballot-mode-meeting = At a meeting (opened and closed by hand)
ballot-field-opens-at = Opens automatically at (optional)
ballot-field-closes-at = Closes at
ballot-field-secret = Secret ballot
ballot-field-allow-change = Members may change their vote until the close
ballot-field-quorum = Quorum
ballot-quorum-none = No quorum
ballot-quorum-count = A number of members
ballot-quorum-fraction = A fraction of the roll
ballot-field-quorum-value = Quorum: number or fraction
ballot-field-proxies = Proxies
ballot-proxies-none = No proxies
ballot-proxies-per_holder = At most N per member
ballot-proxies-one_per = One per N members on the roll
ballot-field-proxy-value = Proxies: number
ballot-question-n = Question { $n }
ballot-field-question-title = Question
ballot-field-question-text = Text (Markdown)
ballot-field-links = Documents (one per line: label | https://…)
ballot-field-kind = Kind
ballot-kind-motion = Motion (for / against)
ballot-kind-election = Election
ballot-field-threshold = Majority needed
ballot-field-fraction = Custom fraction
ballot-field-base = Measured against
ballot-field-abstain = Members may abstain
ballot-field-method = Counting method
ballot-field-seats = Seats
ballot-field-max-choices = Most choices per paper (optional)
ballot-field-candidates = Candidates (one per line: name | statement)
ballot-add-question = Add a question
ballot-remove-question = Remove the last question
ballot-save-draft = Save the draft
ballot-step = Question { $n } of { $of }
ballot-voting-for = You are voting for { $name }, whose proxy you hold.
ballot-for = For
ballot-against = Against
ballot-abstain = Abstain
ballot-blank = Blank (no candidate)
ballot-how-plurality = Choose one candidate.
ballot-how-approval = Tick every candidate you approve of.
ballot-how-approval-max = Tick up to { $max } candidates you approve of.
ballot-how-ranked = Number the candidates in your order of preference: 1 for your first choice, 2 for your second… Leave the others empty.
ballot-receipt-to-change = You have already voted: give your receipt code to replace that vote
ballot-cast = Cast my vote
ballot-next = Next question
ballot-voted-title = Vote recorded
ballot-voted-line = Your vote on “{ $title }” is recorded. Thank you.
ballot-vote-changed = Your vote on “{ $title }” is replaced by this one.
ballot-voted-for = Your vote for { $name } on “{ $title }” is recorded.
ballot-your-receipt = Your receipt
ballot-copy = Copy
ballot-receipt-explain = Keep this code. It is shown only once and only you have it: with it you can check that your paper is in the count (not what it says) and, while the ballot is open, change your vote. Nobody, not even the co-op, can tell from it who you are.
ballot-back = Back to the ballot
ballot-roll-explain = Who has taken part, never what they chose.
ballot-took-part = Took part
ballot-channel-online = online
ballot-channel-proxy = by proxy
ballot-channel-meeting = on paper at the meeting
ballot-meeting-explain = Record the paper votes of members present. Tick who voted on paper, then give the papers grouped: the number of papers marked the same way, and their answers.
ballot-meeting-present = Members who voted on paper
ballot-meeting-lines = Papers
ballot-meeting-format = One line per group of identical papers: count | answer to question 1 | answer to question 2… An answer is for, against or abstain; or candidates' names separated by > (in order) or , (marks); or - for blank.
ballot-meeting-record = Record the papers
home-open-ballots = Open ballots

## Governance parameters
nav-parameters = Rules
parameters-title = The co-op's rules
parameters-explain = These parameters are what Concord obeys when it admits members, redeems shares and runs ballots. They belong to the bylaws; the board records here what the bylaws say.
parameters-saved = The rules are saved. New ballots follow them from now on.
parameters-membership = Membership
parameters-requires-qualifying-share = A member must hold a fully paid qualifying share (and only then votes)
parameters-on-leave-vote = Members on leave keep their vote
parameters-probation = Candidacy before admission, in months (empty: none)
parameters-capital = Share capital
parameters-redemption-hold = Redemptions wait until the year's accounts are approved
parameters-capital-floor = No redemption may take the paid-up capital below
parameters-ballots = Ballots (the least every ballot must ask, and the most proxies)
parameters-save = Save the rules
# Year-end distribution (patronage)
nav-patronage = Hours and surplus
capital-retained-patronage = Patronage retained in the account
patronage-title = Hours and year-end distribution
patronage-my-hours = My hours and notices
patronage-years = Fiscal years
patronage-no-years = No fiscal year yet.
patronage-year = Fiscal year
patronage-period = Period
patronage-distributions = Distributions
patronage-new-year = New fiscal year
patronage-year-label = Name (e.g. 2025)
patronage-starts-on = First day
patronage-ends-on = Last day
patronage-create-year = Create the year
year-status-open = open for hours
year-status-closed = closed for hours
year-status-distributed = distributed
distribution-status-draft = draft
distribution-status-proposed = proposed to the members
distribution-status-approved = approved
distribution-status-posted = posted
distribution-status-reversed = reversed
patronage-total-hours = Total hours
patronage-hours = Hours
patronage-wages = Wages
patronage-no-hours = No hours recorded.
patronage-enter-hours = Record or correct hours
patronage-closed-hint = The year is closed for hours: a correction needs a reason, and is kept in the audit log with the figures before and after.
patronage-period-start = Period from
patronage-period-end = Period to
patronage-reason = Reason
patronage-save-hours = Save the hours
patronage-import = Import hours from CSV
patronage-import-hint = Columns: member (number or e-mail), period_start, period_end, hours, wages (optional). One bad line and nothing is imported.
patronage-close = Close the year for hours
patronage-close-hint = Once closed, hours are corrected one line at a time with a reason, and a distribution can be computed.
patronage-new-distribution = Compute a distribution
patronage-surplus = Distributable surplus
patronage-preset = Rule set
patronage-preset-none = The co-op's own (fields below)
preset-scop_fr = French SCOP
preset-us_worker = US worker co-op
preset-ca_federal = Canadian co-op (federal act)
preset-qc_worker = Québec worker co-op
patronage-rules-hint = Leave a field empty to keep the preset's value. Rates are fractions: 0.15 is 15 %.
rule-reserve_rate = Reserve rate
rule-share_return_rate = Return on shares (yearly rate)
rule-share_return_max_of_surplus = Return on shares, at most this part of the surplus
rule-patronage_basis = Patronage basis (hours, wages, equal)
rule-min_hours = Minimum hours to share in patronage
rule-cash_min_rate = Minimum part paid in cash
rule-revolving_years = Retained patronage redeemed after (years)
patronage-board-may-approve = The bylaws let the board approve this distribution
patronage-compute = Compute the draft
patronage-distribution = Distribution
patronage-reserve = Collective reserve
patronage-share-return = Return on shares
patronage-pool = Patronage pool
patronage-patronage = Patronage
patronage-cash = Paid in cash
patronage-retained = Retained in capital accounts
patronage-total = Total
patronage-owed = Still to pay
patronage-rule-hash = Rule set (SHA-256)
patronage-eligible-capital = Eligible capital
patronage-chart-title = Where the surplus of { $surplus } goes
patronage-worked-line = Worked example
patronage-steps = Approval and posting
patronage-rules-applied = The rules applied
patronage-rule-preset = Rule set
patronage-rule-custom = the co-op's own
patronage-rule-reserve = Share of the surplus to the reserve
patronage-rule-share-return = Yearly return on shares, at most
patronage-rule-no-return = none paid
patronage-rule-approval = Approved by
patronage-rule-approval-board = the board's ballot (or the members')
patronage-rule-approval-members = the members' ballot
patronage-bylaws-limits = Within the bylaws in force, version { $version }{ $article ->
    [none] {""}
   *[other] , Article { $article }
}: at least { $reserve } of the surplus to the reserve, at most { $share_return } a year on shares, approved by { $approver ->
    [board] the board or the members
   *[members] the members
}.
patronage-ballot = Approving ballot
patronage-ballot-hint = Only ballots made to approve a distribution, and not yet ended, are listed; the bylaws' rule for that decision applies to them.
patronage-ballot-create = Create the members' approval ballot
patronage-ballot-create-board = Create the board's approval ballot
patronage-awaiting-ballot = Proposed: the distribution is approved when its ballot carries, and goes back to draft if it does not.
patronage-the-ballot = The approving ballot
patronage-propose = Propose to the members
patronage-return = Back to draft
patronage-post = Post to the ledgers
patronage-reverse = Reverse the posting
patronage-record-payment = Record a payment
patronage-account = Account
patronage-lines = Every member
patronage-print = Printable page
patronage-csv = CSV for the accountant
patronage-not-reproducible = recomputing from the stored rules and inputs gives a different result
patronage-capital-without-labour = This distribution pays a return on capital while labour gets nothing: no member receives patronage. Check the rules (eligibility, presence, reserve) and the hours before proposing it.
patronage-done-hours = The hours are saved.
patronage-done-import = The hours are imported.
patronage-done-closed = The year is closed for hours.
patronage-done-propose = The distribution is proposed to the members.
patronage-done-approve = The distribution is approved.
patronage-done-return = The distribution is back to draft.
patronage-done-post = The distribution is posted; the members' notices are sent.
patronage-done-reverse = The posting is reversed.
patronage-done-payments = The payment is recorded.
patronage-own-rules = The co-op's rule set
patronage-own-rules-hint = A new distribution starts from these rules when it names no preset and no rule. Rates are fractions: 0.15 is 15 %. Every change is kept in the audit log.
patronage-own-rules-used = With the preset and every field left empty, the co-op's rule set is used:
patronage-save-rules = Save the co-op's rule set
patronage-done-rules = The co-op's rule set is saved.
patronage-payments = Payments recorded
patronage-reverse-payment = Reverse this payment
patronage-payment-reversed = reversal of a payment
patronage-done-payment-reverse = The payment is reversed: the amount is owed again.
basis-hours = hours worked
basis-wages = wages
basis-equal = equal shares
basis-mix = a mix of hours, wages and equal shares
notice-title = Notice of allocation
notice-not-final = Not final yet: the members have still to approve it.
notice-posted-on = Posted on { $date }.
notice-rules = The rules applied
notice-rule-text = Of a surplus of { $surplus }, { $reserve } % went to the collective reserve; the patronage pool was shared by { $basis }, and at least { $cash } % of each allocation is paid in cash, the rest retained in your capital account.
notice-share-rule = Paid-in shares earned at most { $rate } % a year, pro rata to the days held.
notice-print-hint = Print this page for your records.
mail-notice-subject = Your notice of allocation for { $year } at { $coop }
mail-notice-body =
    The year-end distribution of { $coop } for { $year } is posted.

    Your hours: { $hours }
    Return on your shares: { $share_return }
    Your patronage: { $patronage }, of which { $cash } paid in cash and { $retained } retained in your capital account.

    Your notice, with the rules applied:
    { $link }
nav-label = Main menu

# the revolving schedule of retained patronage
revolving-title = Retained patronage due for redemption
revolving-done-redeemed = The retained patronage due is redeemed: the amounts are owed to the members in cash until paid.
revolving-rule = Each year's retained patronage is redeemed { $years } years after the end of its fiscal year.
revolving-none = The co-op's rule set has no revolving period (revolving_years): retained patronage is not redeemed on a schedule.
revolving-none-member = The co-op has no revolving schedule: retained patronage stays in your account.
revolving-show = Show
revolving-due = Due for redemption
revolving-nothing-due = Nothing is due for redemption on this date.
revolving-member = Member
revolving-due-on = Due on
revolving-retained = Retained
revolving-lost = Taken by losses
revolving-redeemed = Redeemed
revolving-outstanding = Still retained
revolving-amount-due = Amount due
revolving-expected = Expected back
revolving-settled = Redeemed
revolving-due-now = Due now
revolving-schedule = Retained patronage: the revolving schedule
revolving-redeem = Redeem
revolving-redeem-hint = Redeeming writes, in one step, the capital-ledger entries that take each amount due out of the member's account and the cash owed to each member, which you then pay and record on the year's distribution. A year is redeemed once.
revolving-every-year = Every year due
revolving-redeem-submit = Redeem the retained patronage due
revolving-payable = Retained patronage redeemed
revolving-reverse = Reverse a redemption
input-control-character = This holds a control character (such as NUL) on line { $line }; only tabs and line breaks are allowed.

## The co-op's home for someone on its register who does not belong to it (any more)
standing-applicant = Your application to { $coop } is waiting for a decision. You will be told by e-mail when it is taken; until then the co-op's pages are for its members.
standing-former = You are no longer a member of { $coop }. You keep access to your own records: what you hold or are owed, and your notices of allocation.
standing-former-capital = Your capital statement and what the co-op owes you
standing-former-patronage = Your hours and notices of allocation

## An invitation for someone who has a Concord account already
members-done-invitation-pending = This address has a Concord account already: its holder was e-mailed an invitation, and joins the co-op, with the roles you chose, when they accept it.
accept-title = Join a co-operative
accept-hint = You were invited to join a co-operative on Concord. Accept to appear on its register, with the roles its admin gave you.
accept-submit = Accept the invitation
accept-joined = You have joined { $coop }. Sign in to see it.

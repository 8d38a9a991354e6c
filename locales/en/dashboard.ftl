## The co-op's dashboard, notifications and e-mail preferences
nav-notifications = Notifications
dash-notifications-none = Notifications: nothing new since your last visit
dash-notifications = { $count ->
    [one] Notifications: 1 new since your last visit
   *[other] Notifications: { $count } new since your last visit
}
dash-my-membership = My membership and shares
dash-number = member no. { $number }
dash-shares-held = Shares held
dash-due = Due now
dash-of-which-overdue = of which { $amount } overdue
dash-instalments = Instalments to pay
dash-see-statement = See my capital statement
dash-my-hours = My hours and notices
dash-hours-in-year = { $hours } hours recorded in the fiscal year { $year }.
dash-my-notices = My notices of allocation
dash-decisions = Recent decisions
dash-outcome-carried = Carried
dash-outcome-rejected = Not carried
dash-outcome-no_quorum = No quorum
dash-no-decisions = No ballot has closed in the last three months.
dash-payments = Payments due
dash-instalments-due = Share instalments due
dash-nothing = Nothing at the moment.
dash-redemptions = Redeemed shares to pay out
dash-retained-due = Retained patronage due back
dash-total = Total { $amount }
dash-year-and-capital = Fiscal year and capital
dash-fiscal-year = Current fiscal year
dash-hours-complete = Hours complete (year closed)
dash-yes = Yes
dash-no = No
dash-distribution = Distribution
dash-none-yet = none drafted yet
dash-capital-balance = Share capital
dash-subscribed-paid = Subscribed / paid
dash-retained-patronage = Patronage retained in members' accounts
dash-registrar = Register, ballots and bylaws
dash-applications = Applications waiting
dash-ballots-to-open = Draft ballots to open
dash-ballots-to-close = Ballots to close
dash-amendments = Amendments in draft
dash-standing = Changes of standing (last 30 days)
notif-title = Notifications
notif-hint = What changed in the co-op since your last visit to this page. They are marked seen as you read them.
notif-more = { $count } changes in all; the 50 latest are shown.
notif-none = Nothing new since your last visit.
notif-email-link = Choose how you receive e-mail
notif-ballot-opened = A ballot opened
notif-ballot-closed = A ballot closed: its result is out
notif-ballot-cancelled = A ballot was cancelled
notif-meeting-called = A general meeting was called
notif-meeting-cancelled = A general meeting was cancelled
notif-minutes-adopted = Minutes of a meeting were adopted
notif-bylaws-adopted = New bylaws came into force
notif-amendment-shared = An amendment of the bylaws is open for comments
notif-distribution-posted = A year-end distribution was posted: see your notice
notif-my-capital = A movement was recorded on your capital account
notif-my-standing = Your membership record changed
notif-capital = A capital movement was recorded
notif-hours = Hours were recorded or a fiscal year was closed
notif-distribution = A distribution, payment or redemption of patronage was recorded
notif-application = Someone applied to join
notif-standing = A member's standing changed
notif-amendment = An amendment was drafted or put to the vote
digest-subject = { $count ->
    [one] Your daily digest: 1 message
   *[other] Your daily digest: { $count } messages
}
digest-intro = Hello { $name },

    Here is what Concord would have sent you since your last digest.
email-title = E-mail
email-hint = Legal notices (invitations, password links, admission, notices of a vote and of new bylaws, notices of allocation, redemptions) are always sent at once. The rest follows your choice.
email-delivery = How to receive other messages
email-immediate = Each message as it happens
email-daily = One digest a day
email-none = None (legal notices only)
email-save = Save the e-mail preference
account-done-email = Your e-mail preference is saved.

# Legal notices, member by member
notices-title = Notices sent
notices-hint = The notices the law and the bylaws require (convocations, notices of a ballot, calls to vote, notices of allocation), with who was reached. A message the mail server refused or could not take after a day of retries is not reached: check the address, then resend.
notices-none = No notice has been sent yet.
notices-kind = Notice
notices-queued-at = Sent on
notices-progress = Delivery
notices-counts = { $sent } of { $total } delivered
notices-counts-waiting = , { $count } waiting
notices-counts-missed = , { $count } not reached
notices-kind-allocation = Notices of allocation
notices-kind-convocation = Convocation to a general meeting
notices-kind-ballot_notice = Notice of a ballot
notices-kind-ballot_opening = Call to vote
notices-subject = What it is about
notices-status = Delivery
notices-answer = Mail server's answer
notices-status-queued = Waiting
notices-status-sent = Delivered to the mail server
notices-status-failed = Refused
notices-status-dead = Not delivered after every retry
notices-resend = Resend to those not reached
notices-resend-hint = Queues again, at once, every copy not yet delivered; those already delivered are not sent twice.
notices-requeued = { $count ->
    [one] One copy queued again.
   *[other] { $count } copies queued again.
}
notices-csv = Download the deliveries (CSV)

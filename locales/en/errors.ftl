# Errors answered to the caller, by their stable code: the problem kinds of the
# API (title, then the sentence of a kind that carries no message of its own), then
# each domain's refusals. Every id here is in the French file too (a test checks).

problem-validation = Invalid input
problem-validation-detail = the request has invalid fields
problem-bad-request = Bad request
problem-bad-request-detail = the request cannot be read
problem-unauthorized = Authentication required
problem-unauthorized-detail = authentication is required
problem-bad-credentials = Wrong e-mail or password
problem-bad-credentials-detail = the e-mail or the password is wrong
problem-forbidden = Forbidden
problem-forbidden-detail = you are not allowed to do this
problem-not-found = Not found
problem-not-found-detail = not found
problem-method-not-allowed = Method not allowed
problem-method-not-allowed-detail = the method is not allowed on this resource
problem-conflict = Conflict
problem-conflict-detail = the change conflicts with the state of things
problem-closing-early = An online ballot closes at its closing time
problem-closing-early-detail = an online ballot closes at its closing time
problem-payload-too-large = Payload too large
problem-payload-too-large-detail = the request body is larger than { $limit } bytes
problem-too-many-rows = Too many rows
problem-too-many-rows-detail = the file has { $rows } rows; an import takes at most { $limit } rows (the operator sets the limit: CONCORD_IMPORT_MAX_ROWS)
problem-unsupported-media-type = Unsupported media type
problem-unsupported-media-type-detail = the content type must be { $expected }
problem-too-many-requests = Too many requests
problem-too-many-requests-detail = too many attempts: try again in { $seconds } seconds
problem-unavailable = Service unavailable
problem-unavailable-detail = the service is temporarily unavailable
problem-internal = Internal error
problem-internal-detail = Something went wrong on our side; it has been logged.

## Amounts of money

error-money-empty = the amount is empty
error-money-not-a-number = "{ $text }" is not an amount: write digits with at most one decimal point, e.g. 12.50
error-money-negative = the amount must not be negative
error-money-zero = the amount must be more than zero
error-money-too-many-decimals = the amount has { $found } decimals; at most 2 are allowed
error-money-too-large = the amount has { $found } digits before the decimal point; at most 12 are allowed
error-money-out-of-range = the result is outside the range of amounts (at most 12 digits before the decimal point)
error-money-currency-mismatch = cannot combine an amount in { $left } with an amount in { $right }
error-money-unknown-currency = unknown currency "{ $code }"; expected one of EUR, USD, CAD, GBP, CHF

## Share capital

error-share-invalid-class = share class { $field }: { $reason }
error-share-not-positive = the amount must be more than zero
error-share-no-shares = the number of shares must be at least 1
error-share-duplicate-id = identifier { $id } is already used in the ledger
error-share-wrong-class = the operation is on class { $found }, not on class { $expected }
error-share-unknown-class = share class { $class } is unknown
error-share-no-instalment-plan = shares of this class must be paid at once: the class has no instalment plan
error-share-max-per-member = a member may hold at most { $max } shares of this class; holds { $held }, asked for { $requested }
error-share-unknown-subscription = subscription { $subscription } does not exist
error-share-subscription-cancelled = subscription { $subscription } is cancelled
error-share-subscription-fully-paid = subscription { $subscription } is already fully paid
error-share-overpayment = the payment of { $amount } is more than the { $remaining } that remains to pay
error-share-date-too-early = the date { $date } is before the { $what } it applies to ({ $earliest })
error-share-duplicate-reference = a payment with reference "{ $reference }" is already recorded
error-share-same-member = a member cannot transfer shares to themself
error-share-redeemed-patronage = a redemption of retained patronage is reversed from the retained patronage page, with its payable
error-share-not-in-good-standing = the { $party ->
    [seller] seller
   *[buyer] buyer
} of a transfer must be a member in good standing
error-share-missing-decision-ref = the reference of the board's decision is required
error-share-missing-reason = a reason is required
error-share-not-today = your own subscription is dated today ({ $today }); only a treasurer may record another date
error-share-in-the-future = a subscription cannot be dated after today ({ $today })
error-share-books-closed = the books are closed until { $closed_until }: date the subscription { $open_from } or later
error-share-backdated-without-reason = say why the subscription is dated before today
error-share-not-enough-paid-shares = only { $available } fully paid shares of this class are held; { $requested } asked for
error-share-redemption-held = redemptions are on hold until the year's accounts are approved
error-share-below-capital-floor = the redemption would take the co-op's capital to { $capital_after }, below its floor of { $floor }
error-share-unknown-redemption = redemption { $redemption } does not exist
error-share-redemption-cancelled = redemption { $redemption } is cancelled
error-share-redemption-fully-paid = redemption { $redemption } is already paid in full
error-share-redemption-overpayment = the payment of { $amount } is more than the { $remaining } still payable
error-share-unknown-entry = entry { $id } does not exist
error-share-already-reversed = entry { $id } is already reversed
error-share-cannot-reverse-reversal = a reversal cannot be reversed; record the original entry again instead
error-share-subscription-has-payments = { $payments ->
    [one] the subscription has 1 payment standing; reverse (refund) it first
   *[other] the subscription has { $payments } payments standing; reverse (refund) them first
}
error-share-redemption-has-payments = { $payments ->
    [one] the redemption has 1 payment standing; reverse it first
   *[other] the redemption has { $payments } payments standing; reverse them first
}
error-share-reversal-would-break = the reversal would break the ledger on { $date }: { $problem }
error-share-conflicts-with-later-entries = the entry conflicts with later entries: on { $date }, { $problem }
error-share-inconsistent-ledger = the ledger is inconsistent: { $reason }
error-share-violation-negative-holding = { $member } would hold { $shares } fully paid shares of class { $class }
error-share-violation-over-maximum = { $member } would hold { $shares } shares of class { $class }, more than the maximum of { $max }
error-share-violation-over-paid = subscription { $subscription } would be paid more than its amount
error-share-violation-payment-without-subscription = a payment would stand against subscription { $subscription }, which is cancelled or not yet made
error-share-violation-redemption-over-paid = redemption { $redemption } would be paid more than its amount, or paid when cancelled
error-share-violation-negative-retained = { $member }'s retained patronage would be negative

## Forms

error-form-whole-number-or-empty = Enter a whole number, or leave it empty.
error-form-date = Enter a date as YYYY-MM-DD.
error-share-choose-class = Choose a share class.
error-share-whole-shares = Enter a whole number of shares.
error-share-choose-buyer = Choose who receives the shares.
error-share-choose-subscription = Choose a subscription.
error-share-choose-method = Choose how it was paid.
error-share-unknown-operation = Unknown operation.
error-share-instalments-both-or-neither = Give both the number of instalments and the months between them, or neither.
error-share-no-such-class = No such share class.

## Ballots: votes

error-ballot-abstain-not-allowed = abstention is not allowed on this motion: choose for or against
error-ballot-motion-answer = this is a motion: answer for, against or abstain
error-ballot-election-answer = this is an election: choose candidates (or none, for a blank paper)
error-ballot-unknown-choice = a choice names no candidate
error-ballot-duplicate-choice = a candidate is chosen more than once
error-ballot-too-many-choices = at most { $max } choices are allowed
error-ballot-invalid-paper = this paper cannot be counted: { $reason }
error-ballot-not-open-yet = This ballot is not open yet.
error-ballot-cancelled = This ballot was cancelled.
error-ballot-closed = This ballot is closed; votes are no longer taken.
error-ballot-no-such-proxy = You do not hold this member's proxy for this ballot.
error-ballot-holder-not-on-roll = You are not on this ballot's roll.
error-ballot-grantor-not-on-roll = The member you represent is not on this ballot's roll.
error-ballot-not-on-roll = You are not on this ballot's roll: only members in good standing when it opened may vote.
error-ballot-choose-answer = Choose one answer.
error-ballot-choose-candidate-or-blank = Choose a candidate, or blank.
error-ballot-choose-candidate = Choose a candidate.
error-ballot-choose-among-candidates = Choose among the candidates.
error-ballot-rank-not-a-number = Give ranks as numbers.
error-ballot-rank-twice = Two candidates have the rank { $rank }: give each rank once.
error-ballot-ranks-with-gaps = Number your choices 1, 2, 3… without gaps.

## Membership

error-member-already-member = This person is already a member.
error-member-invitation-invalid = This invitation is no longer valid: it was accepted already, or it expired. Ask the co-op's admin to invite you again.
error-member-no-self-grant = Another admin must give you a new role: no one grants themself power.
error-member-office-needs-full-member = Only a full member can hold an office (not an applicant, a candidate, a member on leave or a former member).
error-member-last-admin = The co-op must keep at least one admin.
error-member-decided-by-ballot = Under the bylaws, { $kind ->
    [admission] an admission
   *[expulsion] an expulsion
} is decided by a ballot: open a ballot of that kind for this member, and the register follows its result.
error-member-not-on-register = This person is not on the co-op's register.
error-email-invalid = This is not a valid e-mail address.
error-member-motivation-too-long = Please keep it under 4,000 characters.
error-member-application-link-invalid = This link is no longer valid: it was used already, or it expired. Please apply again.
error-member-employment-status = Choose worker or non-worker.
error-member-employment-start-future = The start of employment cannot be in the future.
error-member-board-notes-too-long = Please keep the notes under 10,000 characters.
error-member-choose-change = Choose a change.

## Calendar
calendar-title = Calendar
calendar-hint = Add your co-ops' ballots, meetings and your instalment due dates to your calendar app with a secret address. Anyone who has the address can read it: revoke it if it leaks.
calendar-make = Make my calendar address
calendar-replace = Make a new address (the old one stops working)
calendar-revoke = Revoke the address
calendar-new-address = Copy this address into your calendar app now: Concord keeps only its fingerprint and cannot show it again.
calendar-has-address = You have a calendar address. Make a new one if you lost it.
calendar-add = Add to my calendar
calendar-ballot = Vote: { $title } ({ $coop })
calendar-meeting = Meeting: { $title } ({ $coop })
calendar-instalment = Instalment due: { $amount }, { $class } ({ $coop })

//! Model bylaws for a small worker co-operative, in English and in French, and the
//! governance schedule that matches them. A new co-op may start from them.
//!
//! The text was written for Concord and is neutral: it follows the co-operative
//! principles (open membership, one member one vote, limited return on capital,
//! an indivisible reserve) without citing any country's law. **A co-op must have
//! it checked against the law it is registered under before adopting it**: laws
//! set minimum reserves, majorities, notice periods and what happens on
//! dissolution, and they prevail over any template.
//!
//! The figures in the text (quorums, majorities, proxies, probation, reserve,
//! return on shares, notice) are those of [`schedule`]; the article "Governance
//! schedule" says that the schedule repeats them in the form the software
//! applies, so an amendment changing a figure changes both.

use super::rules::{
    DecidingBody, DecisionKind, DistributionApprover, DistributionSchedule, GovernanceSchedule, PatronageBasis,
};
use crate::ballots::rules::{Base, Fraction, ProxyLimit, Quorum, Threshold};

/// The model bylaws in `lang` (`fr` for French, anything else for English), as
/// Markdown in the conventions of [`super::rules::parse_markdown`].
pub fn bylaws(lang: &str) -> &'static str {
    if lang == "fr" {
        FRENCH
    } else {
        ENGLISH
    }
}

/// The governance schedule matching the model bylaws (both languages): the
/// defaults of [`GovernanceSchedule::defaults`] plus one proxy per member, six
/// months of probation, redemptions held until the accounts are approved, and a
/// distribution giving 25 % to the reserve and at most 5 % a year on shares.
pub fn schedule() -> GovernanceSchedule {
    let mut s = GovernanceSchedule::defaults();
    s.proxies = ProxyLimit::PerHolder { count: 1 };
    s.probation_months = Some(6);
    s.redemption_hold = true;
    s.notice_days = 15;
    s.distribution = DistributionSchedule {
        preset: "custom".into(),
        basis: PatronageBasis::Hours,
        reserve_rate: "0.25".into(),
        share_return_rate: "0.05".into(),
        approved_by: DistributionApprover::MembersBallot,
    };
    // Stated here too so that a change of the defaults cannot silently change
    // the model's figures, which the text repeats.
    let quarter = Quorum::Fraction {
        fraction: Fraction {
            numerator: 1,
            denominator: 4,
        },
    };
    let half = Quorum::Fraction {
        fraction: Fraction {
            numerator: 1,
            denominator: 2,
        },
    };
    for kind in DecisionKind::ALL {
        let strong = matches!(
            kind,
            DecisionKind::BylawAmendment | DecisionKind::Expulsion | DecisionKind::Dissolution
        );
        let rule = super::rules::DecisionRule {
            quorum: if strong { half } else { quarter },
            threshold: if strong {
                Threshold::TwoThirds
            } else {
                Threshold::Simple
            },
            base: Base::CastExcludingAbstentions,
        };
        match kind {
            DecisionKind::Ordinary => s.decisions.ordinary = rule,
            DecisionKind::BylawAmendment => s.decisions.bylaw_amendment = rule,
            DecisionKind::Admission => s.decisions.admission = rule,
            DecisionKind::Expulsion => s.decisions.expulsion = rule,
            DecisionKind::DistributionApproval => s.decisions.distribution_approval = rule,
            DecisionKind::Dissolution => s.decisions.dissolution = rule,
        }
    }
    // Article 6: the board admits; article 7: the members expel, after the member was
    // told the grounds and heard; article 14: the board's quorum is half its members.
    s.admission_by = DecidingBody::Board;
    s.expulsion_by = DecidingBody::Members;
    s.hearing_before_expulsion = true;
    s.board_quorum = half;
    s
}

const ENGLISH: &str = r#"## Part I — The co-operative

# Article 1 — Name and form

The co-operative is named **[name]**. It is a worker co-operative: an enterprise owned and democratically controlled by the people who work in it.

Its registered office is at **[address]**. The board may move it within the same jurisdiction.

# Article 2 — Purpose

The co-operative exists to give its members stable, fairly paid and meaningful work by carrying on the following activity: **[activity]**.

It may do anything lawful that serves this purpose, including co-operating with other co-operatives.

# Article 3 — Principles

The co-operative follows the co-operative principles: voluntary and open membership, democratic control by the members, members' economic participation, autonomy, education, co-operation among co-operatives and concern for the community.

# Article 4 — Governance schedule

A governance schedule forms part of these bylaws. It repeats, in a form the co-operative's software applies, the quorums and majorities, proxies, notice, probation, capital and distribution rules set out in these articles.

The schedule can only be changed as these bylaws are, and an amendment that changes a figure changes both the article and the schedule.

## Part II — Members

# Article 5 — Who may be a member

Any person who works in the co-operative, shares its purpose and accepts these bylaws may apply to become a member.

Membership is open without discrimination. Investors who do not work in the co-operative cannot be members.

# Article 6 — Admission and probation

An applicant first works in the co-operative for a probation of **six months**, during which they take part in meetings without a vote.

At the end of the probation the board decides on admission, after hearing the members who work with the applicant. An applicant who is refused may ask for the question to be put to the members, who decide by a simple majority of the votes cast.

Admission takes effect once the qualifying share is fully paid.

# Article 7 — Leaving, leave and expulsion

A member may resign at any time by written notice to the board. A member who stops working in the co-operative for good ceases to be a member.

A member on agreed leave keeps their membership and their vote.

A member who seriously breaches these bylaws may be expelled by the members, by a majority of **two thirds** of the votes cast with a quorum of **half** the members, after being told the reasons in writing and heard.

## Part III — Capital

# Article 8 — Shares and the qualifying share

Each member holds one **qualifying share**, which must be fully paid before the member may vote. It may be paid in instalments agreed with the board.

Members may hold further shares within the limits the board sets. Shares are registered, are not traded, and carry no vote: holding more shares never gives more than one vote.

# Article 9 — Capital and redemption

The capital is variable. A member who leaves is repaid their shares at their nominal value, never more.

Repayment waits until the accounts of the year in which the member left are approved, and no repayment may bring the paid-up capital below the floor set in the governance schedule. Amounts held back are repaid as soon as the capital allows.

## Part IV — Decisions

# Article 10 — One member, one vote

Every member has one vote, whatever their shares, hours or pay.

Decisions are taken in general meetings or by ballots held online, which are equivalent. Ballots are secret unless the members decide otherwise.

# Article 11 — General meetings and ballots

The board calls a general meeting at least once a year to approve the accounts and the distribution of the surplus, and whenever a quarter of the members ask for one.

Members receive notice of a meeting or of an online ballot at least **15 days** before it, with the text of every proposal. An online ballot stays open for at least three days.

# Article 12 — Quorum and majorities

A decision is valid only if at least **one quarter** of the members take part, and is taken by a simple majority of the votes cast. Abstentions and blank votes are not counted as votes cast.

An amendment of these bylaws, an expulsion and the dissolution need a quorum of **half** the members and a majority of **two thirds** of the votes cast.

# Article 13 — Proxies

A member who cannot vote may give a written proxy to another member. No member may hold more than **one** proxy.

# Article 14 — Board

The members elect a board of three to seven members among themselves, for two years, by a ballot in which each member ranks the candidates.

The board runs the co-operative between meetings, reports to every general meeting, and may be dismissed by the members at any time by an ordinary decision. The board decides by a majority of the votes cast, with at least **half** its members taking part; its decisions are recorded in Concord as ballots of the board.

## Part V — Surplus, amendments and dissolution

# Article 15 — Surplus

Each year, on a proposal of the board approved by the members:

1. at least **25 %** of the surplus goes to the indivisible reserve;
2. paid-up shares may receive a return of at most **5 %** of their nominal value a year;
3. the rest is shared among the members in proportion to the **hours worked** during the year.

A loss is charged to the reserve first.

# Article 16 — Amendments

The board, or a tenth of the members together, may propose an amendment of these bylaws, with its reasons. Members may comment on the draft before it is put to the vote.

An amendment is adopted by a majority of **two thirds** of the votes cast with a quorum of **half** the members. An amendment that changes this procedure is decided under the procedure in force when it is put to the vote.

# Article 17 — Dissolution and the indivisible reserve

The co-operative is dissolved by a decision of the members taken with a quorum of **half** the members and a majority of **two thirds** of the votes cast.

After the debts are paid and the members repaid their shares at nominal value, what remains, including the indivisible reserve, is never shared among the members: it is given to another co-operative or to a body that promotes co-operatives, chosen by the members.
"#;

const FRENCH: &str = r#"## Titre I — La coopérative

# Article 1 — Dénomination et forme

La coopérative a pour dénomination **[nom]**. C'est une coopérative de travail : une entreprise détenue et dirigée démocratiquement par les personnes qui y travaillent.

Son siège est situé **[adresse]**. Le conseil peut le transférer dans le même ressort.

# Article 2 — Objet

La coopérative a pour objet d'offrir à ses membres un travail stable, justement rémunéré et porteur de sens en exerçant l'activité suivante : **[activité]**.

Elle peut accomplir tout acte licite utile à cet objet, notamment coopérer avec d'autres coopératives.

# Article 3 — Principes

La coopérative suit les principes coopératifs : adhésion volontaire et ouverte, pouvoir démocratique des membres, participation économique des membres, autonomie, éducation, coopération entre coopératives et engagement envers la communauté.

# Article 4 — Annexe de gouvernance

Une annexe de gouvernance fait partie des présents statuts. Elle reprend, sous une forme que le logiciel de la coopérative applique, les quorums et majorités, procurations, délais de convocation, période probatoire, règles de capital et de répartition fixés par les présents articles.

L'annexe ne peut être modifiée que comme les statuts, et une modification qui change un chiffre change à la fois l'article et l'annexe.

## Titre II — Les membres

# Article 5 — Qui peut être membre

Toute personne qui travaille dans la coopérative, partage son objet et accepte les présents statuts peut demander à devenir membre.

L'adhésion est ouverte sans discrimination. Les investisseurs qui ne travaillent pas dans la coopérative ne peuvent pas être membres.

# Article 6 — Admission et période probatoire

La personne candidate travaille d'abord dans la coopérative pendant une période probatoire de **six mois**, durant laquelle elle participe aux assemblées sans droit de vote.

À la fin de cette période, le conseil statue sur l'admission après avoir entendu les membres qui travaillent avec elle. En cas de refus, la personne candidate peut demander que la question soit soumise aux membres, qui statuent à la majorité simple des suffrages exprimés.

L'admission prend effet lorsque la part d'adhésion est entièrement libérée.

# Article 7 — Départ, congé et exclusion

Tout membre peut démissionner à tout moment par écrit adressé au conseil. Le membre qui cesse définitivement de travailler dans la coopérative perd sa qualité de membre.

Le membre en congé accordé conserve sa qualité de membre et son droit de vote.

Le membre qui manque gravement aux présents statuts peut être exclu par les membres, à la majorité des **deux tiers** des suffrages exprimés avec un quorum de la **moitié** des membres, après avoir reçu les motifs par écrit et avoir été entendu.

## Titre III — Le capital

# Article 8 — Parts sociales et part d'adhésion

Chaque membre détient une **part d'adhésion**, qui doit être entièrement libérée avant que le membre puisse voter. Elle peut être libérée par versements échelonnés convenus avec le conseil.

Les membres peuvent détenir d'autres parts dans les limites fixées par le conseil. Les parts sont nominatives, ne se négocient pas et ne donnent aucune voix : détenir plus de parts ne donne jamais plus d'une voix.

# Article 9 — Capital et remboursement

Le capital est variable. Le membre qui part est remboursé de ses parts à leur valeur nominale, jamais au-delà.

Le remboursement attend l'approbation des comptes de l'exercice au cours duquel le membre est parti, et aucun remboursement ne peut faire descendre le capital libéré sous le plancher fixé par l'annexe de gouvernance. Les sommes retenues sont remboursées dès que le capital le permet.

## Titre IV — Les décisions

# Article 10 — Un membre, une voix

Chaque membre dispose d'une voix, quels que soient ses parts, ses heures ou sa rémunération.

Les décisions sont prises en assemblée générale ou par des scrutins tenus en ligne, qui ont la même valeur. Les scrutins sont secrets sauf décision contraire des membres.

# Article 11 — Assemblées générales et scrutins

Le conseil convoque une assemblée générale au moins une fois par an pour approuver les comptes et la répartition des excédents, et chaque fois qu'un quart des membres le demande.

Les membres sont convoqués à une assemblée ou à un scrutin en ligne au moins **15 jours** à l'avance, avec le texte de chaque proposition. Un scrutin en ligne reste ouvert au moins trois jours.

# Article 12 — Quorum et majorités

Une décision n'est valable que si au moins **un quart** des membres y prend part ; elle est prise à la majorité simple des suffrages exprimés. Les abstentions et les votes blancs ne sont pas des suffrages exprimés.

La modification des statuts, l'exclusion et la dissolution exigent un quorum de la **moitié** des membres et une majorité des **deux tiers** des suffrages exprimés.

# Article 13 — Procurations

Le membre qui ne peut pas voter peut donner une procuration écrite à un autre membre. Aucun membre ne peut détenir plus d'**une** procuration.

# Article 14 — Conseil

Les membres élisent parmi eux un conseil de trois à sept membres, pour deux ans, par un scrutin où chaque membre classe les candidatures.

Le conseil dirige la coopérative entre les assemblées, rend compte à chaque assemblée générale et peut être révoqué à tout moment par une décision ordinaire des membres. Le conseil statue à la majorité des suffrages exprimés, la **moitié** au moins de ses membres prenant part au vote ; ses décisions sont enregistrées dans Concord comme scrutins du conseil.

## Titre V — Excédents, modifications et dissolution

# Article 15 — Répartition des excédents

Chaque année, sur proposition du conseil approuvée par les membres :

1. au moins **25 %** des excédents sont affectés à la réserve impartageable ;
2. les parts libérées peuvent recevoir une rémunération d'au plus **5 %** de leur valeur nominale par an ;
3. le solde est réparti entre les membres au prorata des **heures travaillées** pendant l'exercice.

Une perte est imputée d'abord sur la réserve.

# Article 16 — Modification des statuts

Le conseil, ou un dixième des membres ensemble, peut proposer une modification des présents statuts, motifs à l'appui. Les membres peuvent commenter le projet avant qu'il soit soumis au vote.

Une modification est adoptée à la majorité des **deux tiers** des suffrages exprimés avec un quorum de la **moitié** des membres. Une modification qui change cette procédure est votée selon la procédure en vigueur au moment où elle est soumise au vote.

# Article 17 — Dissolution et réserve impartageable

La coopérative est dissoute par une décision des membres prise avec un quorum de la **moitié** des membres et à la majorité des **deux tiers** des suffrages exprimés.

Après paiement des dettes et remboursement des parts à leur valeur nominale, le solde, réserve impartageable comprise, n'est jamais partagé entre les membres : il est attribué à une autre coopérative ou à un organisme de promotion des coopératives, choisi par les membres.
"#;

#[cfg(test)]
mod tests {
    use super::super::rules::{check_bylaws, parse_markdown, procedure_for_amendment, to_markdown};
    use super::*;

    #[test]
    fn both_templates_parse_into_valid_bylaws_that_round_trip() {
        for lang in ["en", "fr"] {
            let b = parse_markdown(bylaws(lang)).unwrap_or_else(|e| panic!("{lang}: {e}"));
            assert!((12..=18).contains(&b.articles.len()), "{lang}: {}", b.articles.len());
            assert_eq!(check_bylaws(&b), Ok(()));
            assert_eq!(parse_markdown(&to_markdown(&b)).unwrap(), b);
            let numbers: Vec<_> = b.articles.iter().map(|a| a.number.clone()).collect();
            let expected: Vec<_> = (1..=17).map(|n| n.to_string()).collect();
            assert_eq!(numbers, expected, "{lang}");
            assert!(b.articles.iter().all(|a| a.section.is_some()));
        }
        assert_eq!(bylaws("de"), bylaws("en"));
    }

    #[test]
    fn the_texts_state_the_figures_of_the_schedule() {
        let s = schedule();
        assert!(s.validate().is_empty(), "{:?}", s.validate());
        assert_eq!(s.probation_months, Some(6));
        assert_eq!(s.proxies, ProxyLimit::PerHolder { count: 1 });
        assert_eq!(procedure_for_amendment(&s).threshold, Threshold::TwoThirds);
        for phrase in [
            "**six months**",
            "**15 days**",
            "**one quarter**",
            "**two thirds**",
            "**25 %**",
            "**5 %**",
            "**one** proxy",
            "**hours worked**",
        ] {
            assert!(bylaws("en").contains(phrase), "en: {phrase}");
        }
        for phrase in [
            "**six mois**",
            "**15 jours**",
            "**un quart**",
            "**deux tiers**",
            "**25 %**",
            "**5 %**",
            "d'**une** procuration",
            "**heures travaillées**",
        ] {
            assert!(bylaws("fr").contains(phrase), "fr: {phrase}");
        }
        assert_eq!(s.distribution.reserve_rate, "0.25");
        assert_eq!(s.distribution.share_return_rate, "0.05");
        assert_eq!(s.notice_days, 15);
    }
}

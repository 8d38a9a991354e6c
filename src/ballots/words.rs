//! Ballots in words, in the reader's language: a threshold, a base, a decision rule,
//! and the sentence stating the legal basis of a decision. The ballot's page, the
//! meeting's record of decisions, the results e-mail and the bylaws' schedule all say
//! them through here, so they cannot word the same rule differently.

use serde_json::json;

use super::rules::{BallotResult, Base, QuestionResult, Quorum, Status, Threshold};
use super::store::LegalBasis;
use crate::web::i18n::text_with;

/// A threshold in words: "two-thirds", "majorité des deux tiers".
pub(crate) fn threshold_words(lang: &str, threshold: Threshold) -> String {
    match threshold {
        Threshold::Custom { fraction } => {
            text_with(lang, "ballot-threshold-custom", &[("fraction", fraction.to_string())])
        }
        other => text_with(
            lang,
            &format!("ballot-threshold-{}", json!(other)["kind"].as_str().unwrap_or("simple")),
            &[],
        ),
    }
}

/// A base in words: "votes cast excluding abstentions".
pub(crate) fn base_words(lang: &str, base: Base) -> String {
    text_with(
        lang,
        &format!("ballot-base-{}", json!(base).as_str().unwrap_or("all_papers")),
        &[],
    )
}

/// A quorum in words: "1/2 of the roll", "12 members", "none".
pub(crate) fn quorum_words(lang: &str, quorum: Quorum) -> String {
    match quorum {
        Quorum::None => text_with(lang, "bylaws-quorum-none", &[]),
        Quorum::Count { count } => text_with(lang, "bylaws-quorum-count", &[("count", count.to_string())]),
        Quorum::Fraction { fraction } => {
            text_with(lang, "bylaws-quorum-fraction", &[("fraction", fraction.to_string())])
        }
    }
}

/// A decision rule in words: "two-thirds of votes cast excluding abstentions;
/// quorum: 1/2 of the roll".
pub(crate) fn rule_words(lang: &str, quorum: Quorum, threshold: Threshold, base: Base) -> String {
    let quorum = quorum_words(lang, quorum);
    text_with(
        lang,
        "bylaws-rule",
        &[
            ("threshold", threshold_words(lang, threshold)),
            ("base", base_words(lang, base)),
            ("quorum", quorum),
        ],
    )
}

/// What a ballot has decided so far, as the legal basis sentence selects it.
fn outcome(status: Status, result: Option<&BallotResult>) -> &'static str {
    match (status, result) {
        (Status::Cancelled, _) => "cancelled",
        (_, None) => "pending",
        (_, Some(r)) if !r.quorum_met => "quorum",
        // The first question takes the decision; an election elects, it carries nothing.
        (_, Some(r)) => match r.questions.first() {
            Some(QuestionResult::Motion(m)) if m.carried => "carried",
            Some(QuestionResult::Motion(_)) => "rejected",
            _ => "decided",
        },
    }
}

/// The legal basis of a ballot's decision in one sentence: "Carried under Article 12
/// (two-thirds of votes cast excluding abstentions; quorum: 1/2 of the roll), bylaws
/// version 2." — the outcome (or that it is still to be decided, or was cancelled),
/// the article of the bylaws setting the rule when known, the rule the bylaws in force
/// at the opening gave its kind, and their version (or the co-op's governance
/// parameters when it had no bylaws).
pub(crate) fn legal_basis(lang: &str, basis: &LegalBasis, status: Status, result: Option<&BallotResult>) -> String {
    let none = || "none".to_string();
    text_with(
        lang,
        "ballot-basis",
        &[
            ("outcome", outcome(status, result).to_string()),
            ("article", basis.article.map_or_else(none, |a| a.to_string())),
            ("version", basis.bylaws_version.map_or_else(none, |v| v.to_string())),
            (
                "rule",
                rule_words(lang, basis.rule.quorum, basis.rule.threshold, basis.rule.base),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ballots::rules::{
        count_ballot, Answer, BallotParameters, CountedPaper, Fraction, Question, QuestionKind,
    };
    use crate::bylaws::rules::{Article, ArticleNumber, DecisionKind};

    fn basis(article: Option<&str>, version: Option<i32>) -> LegalBasis {
        LegalBasis {
            kind: DecisionKind::Dissolution,
            bylaws_version: version,
            rule: BallotParameters {
                quorum: Quorum::Fraction {
                    fraction: Fraction::new(1, 2).unwrap(),
                },
                threshold: Threshold::TwoThirds,
                base: Base::CastExcludingAbstentions,
                ..BallotParameters::default()
            },
            article: article.and_then(|n| {
                ArticleNumber::of(&Article {
                    number: n.into(),
                    title: String::new(),
                    body: String::new(),
                    section: None,
                })
            }),
        }
    }

    /// A motion by two-thirds of the votes cast, with a quorum of half a roll of 10.
    fn closed(for_: u64, against: u64) -> BallotResult {
        let question = Question {
            title: "Dissolve".into(),
            text: String::new(),
            attachments: vec![],
            kind: QuestionKind::Motion {
                allow_abstain: true,
                threshold: Threshold::TwoThirds,
                base: Base::CastExcludingAbstentions,
            },
        };
        let papers = [(for_, Answer::For), (against, Answer::Against)]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(weight, a)| CountedPaper {
                weight,
                answers: vec![a],
            })
            .collect::<Vec<_>>();
        let quorum = Quorum::Fraction {
            fraction: Fraction::new(1, 2).unwrap(),
        };
        count_ballot(&[question], &papers, 10, for_ + against, None, quorum, [0; 32]).unwrap()
    }

    #[test]
    fn the_legal_basis_names_the_outcome_the_article_the_rule_and_the_version() {
        let b = basis(Some("12"), Some(3));
        let carried = closed(4, 2);
        assert_eq!(
            legal_basis("en", &b, Status::Closed, Some(&carried)),
            "Carried under Article 12 (two-thirds of votes cast excluding abstentions; quorum: 1/2 of the roll), \
             bylaws version 3."
        );
        assert_eq!(
            legal_basis("fr", &b, Status::Closed, Some(&carried)),
            "Adoptée en vertu de l'article 12 des statuts, version 3 : majorité des deux tiers des suffrages \
             exprimés (hors abstentions) ; quorum : 1/2 de la liste électorale."
        );
        let lost = closed(3, 2);
        assert_eq!(
            legal_basis("en", &b, Status::Closed, Some(&lost)),
            "Not carried under Article 12 (two-thirds of votes cast excluding abstentions; quorum: 1/2 of the roll), \
             bylaws version 3."
        );
        let short = closed(4, 0);
        assert_eq!(
            legal_basis("fr", &b, Status::Closed, Some(&short)),
            "Rien n'est décidé (quorum non atteint) en vertu de l'article 12 des statuts, version 3 : majorité des \
             deux tiers des suffrages exprimés (hors abstentions) ; quorum : 1/2 de la liste électorale."
        );
    }

    #[test]
    fn without_an_article_or_bylaws_the_basis_says_what_it_stands_on() {
        assert_eq!(
            legal_basis("en", &basis(None, Some(2)), Status::Open, None),
            "To be decided under the bylaws, version 2 (two-thirds of votes cast excluding abstentions; \
             quorum: 1/2 of the roll)."
        );
        assert_eq!(
            legal_basis("en", &basis(None, None), Status::Cancelled, None),
            "Cancelled, nothing decided, under the co-op's governance parameters (two-thirds of votes cast \
             excluding abstentions; quorum: 1/2 of the roll)."
        );
        assert_eq!(
            legal_basis("fr", &basis(None, None), Status::Open, None),
            "À décider selon les paramètres de gouvernance de la coopérative : majorité des deux tiers des \
             suffrages exprimés (hors abstentions) ; quorum : 1/2 de la liste électorale."
        );
    }
}

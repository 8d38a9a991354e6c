//! Outgoing e-mail through lettre: SMTP when configured, otherwise one `.eml` file per
//! message in the data directory's outbox.

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailSettings;
use crate::error::{AppError, AppResult};

/// Sends e-mail.
#[derive(Clone)]
pub enum Mailer {
    /// Files in a folder.
    Outbox(AsyncFileTransport<Tokio1Executor>),
    /// An SMTP relay.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// One message to send.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

impl Mailer {
    /// The mailer the settings ask for.
    pub fn new(settings: &MailSettings) -> AppResult<Mailer> {
        match settings {
            MailSettings::Outbox(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| AppError::internal(format!("cannot create the outbox {}: {e}", dir.display())))?;
                Ok(Mailer::Outbox(AsyncFileTransport::new(dir)))
            }
            MailSettings::Smtp(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|builder| Mailer::Smtp(builder.build()))
                .map_err(|e| AppError::internal(format!("bad SMTP URL: {e}"))),
        }
    }

    /// Sends a message. A failure is logged and returned; callers send after their
    /// transaction has committed, so a mail failure never undoes a change.
    pub async fn send(&self, from: &str, mail: Mail) -> AppResult<()> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| AppError::internal(format!("bad sender address: {e}")))?;
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|_| AppError::field("email", "This is not a valid e-mail address."))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body)
            .map_err(|e| AppError::internal(format!("building mail: {e}")))?;
        let result = match self {
            Mailer::Outbox(transport) => transport.send(message).await.map(drop).map_err(|e| e.to_string()),
            Mailer::Smtp(transport) => transport.send(message).await.map(drop).map_err(|e| e.to_string()),
        };
        result.map_err(|e| {
            tracing::error!(error = %e, "sending mail failed");
            AppError::internal(format!("sending mail: {e}"))
        })
    }
}

/// Whether `address` is an e-mail address lettre would send to.
pub fn is_valid_address(address: &str) -> bool {
    address.len() <= 254 && address.parse::<lettre::Address>().is_ok()
}

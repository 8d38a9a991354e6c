//! Outgoing e-mail through lettre: SMTP when configured, otherwise one `.eml` file per
//! message in the data directory's outbox. The outbox holds reset and invitation
//! links: the folder is 0700 and each file 0600, created so from the start (never
//! readable by another local user, not even for a moment).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::io::AsyncWriteExt;

use crate::config::MailSettings;
use crate::error::{AppError, AppResult};

/// Sends e-mail.
#[derive(Clone)]
pub enum Mailer {
    /// Files in a folder.
    Outbox(PathBuf),
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
                    .and_then(|()| std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)))
                    .map_err(|e| AppError::internal(format!("cannot create the outbox {}: {e}", dir.display())))?;
                Ok(Mailer::Outbox(dir.clone()))
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
            Mailer::Outbox(dir) => write_private(dir, &message.formatted())
                .await
                .map_err(|e| e.to_string()),
            Mailer::Smtp(transport) => transport.send(message).await.map(drop).map_err(|e| e.to_string()),
        };
        result.map_err(|e| {
            tracing::error!(error = %e, "sending mail failed");
            AppError::internal(format!("sending mail: {e}"))
        })
    }
}

/// Writes one message into the outbox as `<random id>.eml`, readable by its owner
/// only (lettre's file transport leaves that to the umask).
async fn write_private(dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let path = dir.join(format!("{}.eml", uuid::Uuid::new_v4()));
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .await?;
    file.write_all(bytes).await?;
    file.flush().await
}

/// Whether `address` is an e-mail address lettre would send to.
pub fn is_valid_address(address: &str) -> bool {
    address.len() <= 254 && address.parse::<lettre::Address>().is_ok()
}

/// Sends one translated message of `kind` to each recipient (`(email, name,
/// locale)`): the subject and body are the kind's Fluent messages with `args` and the
/// recipient's `name`. Each recipient's e-mail preference applies first (an ordinary
/// message may wait for their daily digest or not be sent; a legal notice always
/// goes). Failures are logged, never returned: callers send after their transaction
/// has committed. With `in_background`, the sending gets a thread and a runtime of
/// its own, so a large co-op's announcement does not hold the request that triggered
/// it (on the request's worker it would take turns with every other request that
/// worker serves).
pub async fn send_all(
    conn: &mut diesel_async::AsyncPgConnection,
    mailer: &Mailer,
    from: &str,
    recipients: Vec<(String, String, String)>,
    kind: crate::notifications::rules::MailKind,
    args: Vec<(&'static str, String)>,
    in_background: bool,
) {
    let outbox = (mailer, from);
    send_all_localised(conn, outbox, recipients, kind, args, |_| Vec::new(), in_background).await
}

/// [`send_all`], with more arguments worded in each recipient's language by
/// `localised` (given the locale), for a sentence Fluent builds from other messages.
pub async fn send_all_localised(
    conn: &mut diesel_async::AsyncPgConnection,
    (mailer, from): (&Mailer, &str),
    recipients: Vec<(String, String, String)>,
    kind: crate::notifications::rules::MailKind,
    args: Vec<(&'static str, String)>,
    localised: impl Fn(&str) -> Vec<(&'static str, String)>,
    in_background: bool,
) {
    use crate::web::i18n::text_with;
    let (subject_key, body_key) = kind.keys();
    let mails = recipients
        .into_iter()
        .map(|(email, name, locale)| {
            let mut with_name = args.clone();
            with_name.extend(localised(&locale));
            with_name.push(("name", name));
            Mail {
                to: email,
                subject: text_with(&locale, subject_key, &with_name),
                body: text_with(&locale, body_key, &with_name),
            }
        })
        .collect();
    let mails = match crate::notifications::service::sort_out(conn, kind, mails).await {
        Ok(mails) => mails,
        Err(e) => return tracing::error!(error = %e, subject_key, "cannot apply the e-mail preferences"),
    };
    let (mailer, from) = (mailer.clone(), from.to_string());
    let send = async move {
        for mail in mails {
            if mailer.send(&from, mail).await.is_err() {
                tracing::error!(subject_key, "an announcement was not sent");
            }
        }
    };
    if !in_background {
        send.await;
        return;
    }
    std::thread::spawn(
        move || match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime.block_on(send),
            Err(e) => tracing::error!(error = %e, "cannot start the e-mail thread"),
        },
    );
}

//! What became of one hand-over to the SMTP server, decided from lettre's answer. Pure, so the
//! rules are tested with plain values: a reply that refuses *this* message fails it for good;
//! one that refuses Sala itself (its login, its sender) or asks to wait keeps it for later, since
//! failing every message of the queue for a wrong password would be the wrong repair.

use std::error::Error as _;

use lettre::transport::smtp::Error as SmtpError;

/// Why a message did not get through, in the words the administrator reads on `/admin/correo`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Undelivered {
    #[error("El servidor de correo rechazó este mensaje (código {code}): {reply}")]
    Refused { code: String, reply: String },
    #[error(
        "El servidor de correo no aceptó a Sala (código {code}: {reply}); revise el usuario y la \
         contraseña de --smtp-url y el remitente --mail-from. Se reintentará."
    )]
    SalaRefused { code: String, reply: String },
    #[error("El servidor de correo pidió intentar más tarde (código {code}): {reply}")]
    Deferred { code: String, reply: String },
    #[error("No se pudo hablar con el servidor de correo ({detail}). Se reintentará.")]
    Unreachable { detail: String },
    #[error(
        "El servidor de correo no terminó de responder en {seconds} s: quizá lo recibió. \
         Compruebe con la persona antes de reenviarlo."
    )]
    TimedOut { seconds: u64 },
    #[error("La dirección «{0}» no es válida")]
    BadAddress(String),
    #[error("El mensaje no se pudo componer: {0}")]
    Unbuildable(String),
}

/// What the courier does with the message next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Sent,
    /// Not delivered for a passing reason or a problem of Sala's account: try again later (and
    /// stop this round: the next messages would meet the same server).
    Retry(Undelivered),
    /// Refused for good: this message cannot be delivered as it is.
    Failed(Undelivered),
    /// The exchange ended without an answer: it may have arrived, so it waits for a person.
    Uncertain(Undelivered),
}

/// Replies that refuse the sender's session rather than the message (RFC 4954: 530 auth
/// required, 534 mechanism too weak, 535 bad credentials, 538 encryption required).
const SALA_REFUSED: [&str; 4] = ["530", "534", "535", "538"];

/// The server's own words of a negative reply (lettre keeps them as the error's source).
fn reply_of(error: &SmtpError) -> String {
    error
        .source()
        .map(|source| source.to_string())
        .unwrap_or_default()
}

pub fn verdict(result: Result<(), SmtpError>) -> Verdict {
    let error = match result {
        Ok(()) => return Verdict::Sent,
        Err(error) => error,
    };
    let Some(code) = error.status().map(|code| code.to_string()) else {
        let detail = if error.is_timeout() {
            "tiempo de espera agotado al conectar".to_owned()
        } else if error.is_tls() {
            format!("error de TLS: {}", reply_of(&error))
        } else {
            reply_of(&error)
        };
        return Verdict::Retry(Undelivered::Unreachable { detail });
    };
    let reply = reply_of(&error);
    if error.is_transient() {
        Verdict::Retry(Undelivered::Deferred { code, reply })
    } else if SALA_REFUSED.contains(&code.as_str()) {
        Verdict::Retry(Undelivered::SalaRefused { code, reply })
    } else {
        Verdict::Failed(Undelivered::Refused { code, reply })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_administrator_reads_spanish_with_the_servers_words() {
        let refused = Undelivered::Refused {
            code: "550".into(),
            reply: "5.1.1 Buzón inexistente".into(),
        };
        assert_eq!(
            refused.to_string(),
            "El servidor de correo rechazó este mensaje (código 550): 5.1.1 Buzón inexistente"
        );
        assert!(
            Undelivered::TimedOut { seconds: 30 }
                .to_string()
                .contains("quizá lo recibió")
        );
    }

    #[test]
    fn a_delivery_is_sent() {
        assert_eq!(verdict(Ok(())), Verdict::Sent);
    }
}

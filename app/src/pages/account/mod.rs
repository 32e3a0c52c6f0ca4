//! People's own pages: signing in, the first-time (or reset) link, one's account, and the
//! district administration's pages for people, roles and the audit log. Plus the privacy notice.

mod audit;
mod calendars;
mod mail;
mod mine;
mod people;
mod privacy;
mod sign_in;

pub use audit::AuditPage;
pub use mail::MailPage;
pub use mine::AccountPage;
pub use people::PeoplePage;
pub use privacy::PrivacyPage;
pub use sign_in::{SetupPage, SignInPage};

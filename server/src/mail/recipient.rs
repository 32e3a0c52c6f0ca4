//! Who a message goes to, shared by the texts (`letters.rs`) and the choice of reminders
//! (`reminders.rs`), neither of which owns it.

/// A name and an address already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub email: String,
}

//! Members of a Mesa: who they are, whether they sit as *titular* or *delegado*, their
//! validation, and how one person is recognised (a second member with the same name and
//! institution is refused; someone joining a board under a member's name counts as that member).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::session::FieldErrors;

pub const MAX_TEXT_LEN: usize = 200;

/// The sectors a Mesa's members and attendees come from (the join form offers these).
pub const SECTORS: [&str; 12] = [
    "Salud",
    "Educación",
    "Integración social",
    "Gobierno",
    "Comunidad y organizaciones sociales",
    "Cultura, recreación y deporte",
    "Ambiente",
    "Hábitat",
    "Movilidad",
    "Mujer",
    "Desarrollo económico",
    "Otro",
];

/// How a member sits on the Mesa: both count for quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seat {
    Titular,
    Delegado,
}

impl Seat {
    pub const ALL: [Seat; 2] = [Self::Titular, Self::Delegado];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Titular => "titular",
            Self::Delegado => "delegado",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|seat| seat.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Titular => "Titular",
            Self::Delegado => "Delegado(a)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub mesa_code: String,
    pub name: String,
    pub institution: String,
    pub sector: String,
    pub role: String,
    pub seat: Seat,
    pub contact: Option<String>,
    /// Set when the member left the Mesa; past actas keep the name.
    pub removed_on: Option<NaiveDate>,
}

/// Whether `typed` (a commitment's *responsable* as written on a board, perhaps several people:
/// «Ana Pérez y Luis Gómez») names the person called `name`. One of the names typed matches when
/// every word of the shorter is a word of the longer and it has two words or more («Ana Pérez»
/// names «Ana María Pérez»), or when both are the same single word; «Ana» alone does not name
/// «Mariana López», nor «Luis» «Luisa».
pub fn names_person(typed: &str, name: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        fold(text)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let person = words(name);
    if person.is_empty() {
        return false;
    }
    let folded = fold(typed);
    folded
        .split([',', ';', '/', '\n'])
        .flat_map(|part| part.split(" y "))
        .map(words)
        .filter(|typed| !typed.is_empty())
        .any(|typed| {
            let (short, long) = if typed.len() <= person.len() {
                (&typed, &person)
            } else {
                (&person, &typed)
            };
            if short.len() == 1 {
                typed == person
            } else {
                short.iter().all(|w| long.contains(w))
            }
        })
}

/// A name or institution as people recognise it: case, accents and spacing do not matter.
pub fn fold(text: &str) -> String {
    text.split_whitespace()
        .flat_map(|word| word.chars().chain([' ']))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' => 'a',
            'é' | 'è' | 'ë' => 'e',
            'í' | 'ì' | 'ï' => 'i',
            'ó' | 'ò' | 'ö' => 'o',
            'ú' | 'ù' | 'ü' => 'u',
            other => other,
        })
        .collect::<String>()
        .trim_end()
        .to_owned()
}

impl Member {
    pub fn is_same_person(&self, name: &str, institution: &str) -> bool {
        fold(&self.name) == fold(name) && fold(&self.institution) == fold(institution)
    }
}

/// The member a person joining under `name` is, when exactly one sitting member has that name.
pub fn member_named<'a>(members: &'a [Member], name: &str) -> Option<&'a Member> {
    let wanted = fold(name);
    let mut matching = members.iter().filter(|m| fold(&m.name) == wanted);
    match (matching.next(), matching.next()) {
        (Some(member), None) if !wanted.is_empty() => Some(member),
        _ => None,
    }
}

/// A member as typed in the form, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberRequest {
    pub mesa: String,
    pub name: String,
    pub institution: String,
    pub sector: String,
    pub role: String,
    pub seat: String,
    pub contact: String,
}

/// A validated member; only [`MemberRequest::validate`] builds one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMember {
    mesa_code: String,
    name: String,
    institution: String,
    sector: String,
    role: String,
    seat: Seat,
    contact: Option<String>,
}

impl NewMember {
    pub fn mesa_code(&self) -> &str {
        &self.mesa_code
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn institution(&self) -> &str {
        &self.institution
    }
    pub fn sector(&self) -> &str {
        &self.sector
    }
    pub fn role(&self) -> &str {
        &self.role
    }
    pub fn seat(&self) -> Seat {
        self.seat
    }
    pub fn contact(&self) -> Option<&str> {
        self.contact.as_deref()
    }

    /// Refuses a second sitting member with this name and institution (`except`: the member being
    /// corrected).
    pub fn check_unique(&self, sitting: &[Member], except: Option<i64>) -> Result<(), FieldErrors> {
        match sitting
            .iter()
            .find(|m| Some(m.id) != except && m.is_same_person(&self.name, &self.institution))
        {
            Some(twin) => {
                let mut errors = FieldErrors::default();
                errors.add(
                    "name",
                    format!(
                        "{} de {} ya es integrante de esta Mesa. Corrija ese registro en vez de agregarlo otra vez.",
                        twin.name, twin.institution
                    ),
                );
                Err(errors)
            }
            None => Ok(()),
        }
    }
}

impl MemberRequest {
    pub fn validate(&self) -> Result<NewMember, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut required = |field: &str, value: &str, what: &str| -> String {
            let value = value.trim();
            if value.is_empty() {
                errors.add(field, format!("Indique {what}."));
            } else if value.chars().count() > MAX_TEXT_LEN {
                errors.add(field, format!("Máximo {MAX_TEXT_LEN} caracteres."));
            }
            value.to_owned()
        };
        let mesa_code = required("mesa", &self.mesa, "la Mesa");
        let name = required("name", &self.name, "el nombre");
        let institution = required("institution", &self.institution, "la institución");
        let sector = required("sector", &self.sector, "el sector");
        let role = required("role", &self.role, "el rol en la Mesa");
        // Older clients send no seat: they added titulares.
        let seat = match self.seat.trim() {
            "" => Some(Seat::Titular),
            seat => Seat::parse(seat),
        };
        if seat.is_none() {
            errors.add("seat", "Indique si es titular o delegado(a).");
        }
        let contact = self.contact.trim();
        if contact.chars().count() > MAX_TEXT_LEN {
            errors.add("contact", format!("Máximo {MAX_TEXT_LEN} caracteres."));
        }
        match seat {
            Some(seat) if errors.is_empty() => Ok(NewMember {
                mesa_code,
                name,
                institution,
                sector,
                role,
                seat,
                contact: (!contact.is_empty()).then(|| contact.to_owned()),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_responsible_names_a_person_by_whole_words() {
        assert!(names_person("Ana Pérez", "Ana María Pérez"));
        assert!(names_person("ana maria perez", "Ana María Pérez"));
        assert!(names_person("Luis Gómez y Ana Pérez", "Ana Pérez"));
        assert!(names_person("Subred Sur; Ana Pérez", "Ana Pérez"));
        assert!(names_person("Ana", "Ana"));
        assert!(!names_person("Mariana López", "Ana"));
        assert!(!names_person("Luisa Gómez", "Luis Gómez"));
        assert!(!names_person("Ana", "Ana Pérez"), "one word is not enough");
        assert!(!names_person("", "Ana Pérez"));
        assert!(!names_person("Ana Pérez", ""));
    }

    fn request(name: &str, institution: &str) -> MemberRequest {
        MemberRequest {
            mesa: "local-01".into(),
            name: name.into(),
            institution: institution.into(),
            sector: "Salud".into(),
            role: "Líder local APS".into(),
            seat: String::new(),
            contact: "  ".into(),
        }
    }

    fn sitting(id: i64, name: &str, institution: &str) -> Member {
        Member {
            id,
            mesa_code: "local-01".into(),
            name: name.into(),
            institution: institution.into(),
            sector: "Salud".into(),
            role: "Delegada EPS".into(),
            seat: Seat::Delegado,
            contact: None,
            removed_on: None,
        }
    }

    #[test]
    fn member_requires_the_essentials_and_keeps_contact_optional() {
        let member = request(" Ana Pérez ", "Subred Norte").validate().unwrap();
        assert_eq!(member.name(), "Ana Pérez");
        assert_eq!(member.contact(), None);
        assert_eq!(member.seat(), Seat::Titular);

        let errors = MemberRequest::default().validate().unwrap_err();
        for field in ["mesa", "name", "institution", "sector", "role"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert!(errors.get("contact").is_none());
        let mut bad_seat = request("Ana", "Subred");
        bad_seat.seat = "suplente".into();
        assert!(bad_seat.validate().unwrap_err().get("seat").is_some());
    }

    #[test]
    fn the_same_name_and_institution_is_one_person() {
        let members = [sitting(1, "Ana Pérez", "Subred Sur")];
        let twin = request("  ana  perez ", "SUBRED sur").validate().unwrap();
        let message = twin.check_unique(&members, None).unwrap_err();
        assert!(message.get("name").unwrap().contains("ya es integrante"));
        assert!(
            twin.check_unique(&members, Some(1)).is_ok(),
            "correcting oneself"
        );
        let other = request("Ana Pérez", "Capital Salud").validate().unwrap();
        assert!(other.check_unique(&members, None).is_ok());
    }

    #[test]
    fn a_joining_name_finds_exactly_one_member() {
        let members = [
            sitting(1, "Ana Pérez", "Subred Sur"),
            sitting(2, "Luis Gómez", "Capital Salud"),
            sitting(3, "Luis Gómez", "Secretaría de Integración"),
        ];
        assert_eq!(member_named(&members, "ANA PEREZ").map(|m| m.id), Some(1));
        assert_eq!(member_named(&members, "Luis Gómez"), None, "ambiguous");
        assert_eq!(member_named(&members, ""), None);
        assert_eq!(member_named(&members, "Marta"), None);
    }
}

//! Short hand-off codes: eight characters a person can read off a desktop screen and type on a
//! phone (at `/h`) to continue the same hosted-flow session, for when the QR code cannot be
//! scanned. A code is a bearer credential for the session, so it is short-lived, single-use,
//! stored only as a keyed digest, and guessing is rate-limited (kycd-core `flow`).
//!
//! The alphabet is Crockford's base 32 (no I, L, O or U), so what a person misreads is mapped
//! back: `O` → `0`, `I`/`L` → `1`; case, spaces and dashes do not matter.

use rand::Rng;
use time::{Duration, OffsetDateTime};

/// Characters in a code: 8 × 5 bits = 40 bits, about 1.1 × 10¹² codes.
pub const CODE_LEN: usize = 8;
/// How long a code works after it is shown, unless the session ends sooner.
pub const CODE_TTL: Duration = Duration::minutes(15);

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A hand-off code in its canonical form (eight characters of [`ALPHABET`], no separator).
#[derive(Clone, PartialEq, Eq)]
pub struct HandoffCode(String);

impl HandoffCode {
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        Self(
            (0..CODE_LEN)
                .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                .collect(),
        )
    }

    /// What a person typed, forgiving case, spaces, dashes and the look-alike letters; `None`
    /// when it cannot be a code.
    pub fn parse(typed: &str) -> Option<Self> {
        let mut code = String::with_capacity(CODE_LEN);
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' | '\u{a0}' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) || code.len() == CODE_LEN {
                return None;
            }
            code.push(c);
        }
        (code.len() == CODE_LEN).then_some(Self(code))
    }

    /// The canonical form, which is what gets digested and what a short link carries.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form shown to a person: two groups of four (`K7Q2-M9TD`).
    pub fn grouped(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

/// Never printed whole: a code is a credential.
impl std::fmt::Debug for HandoffCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HandoffCode(…)")
    }
}

/// When a code shown at `now` stops working: [`CODE_TTL`] later, or when the session ends.
pub fn code_deadline(now: OffsetDateTime, session_deadline: OffsetDateTime) -> OffsetDateTime {
    (now + CODE_TTL).min(session_deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_are_canonical_and_differ() {
        let a = HandoffCode::generate();
        let b = HandoffCode::generate();
        assert_eq!(a.as_str().len(), CODE_LEN);
        assert_eq!(HandoffCode::parse(a.as_str()), Some(a.clone()));
        assert_eq!(HandoffCode::parse(&a.grouped()), Some(a.clone()));
        assert_ne!(a, b, "40 random bits twice alike");
    }

    #[test]
    fn typing_is_forgiven_but_not_guessed() {
        let code = HandoffCode::parse("K7Q2-M9TD").map(|c| c.as_str().to_owned());
        assert_eq!(code.as_deref(), Some("K7Q2M9TD"));
        let lax = HandoffCode::parse(" k7q2 m9td ").map(|c| c.as_str().to_owned());
        assert_eq!(lax.as_deref(), Some("K7Q2M9TD"));
        let look_alikes = HandoffCode::parse("oIL0-abcd").map(|c| c.as_str().to_owned());
        assert_eq!(look_alikes.as_deref(), Some("0110ABCD"));
        for bad in ["", "K7Q2M9T", "K7Q2M9TDX", "K7Q2M9TU", "K7Q2M9T!", "K7Q2M9TÄ", "../../x"] {
            assert_eq!(HandoffCode::parse(bad), None, "{bad:?}");
        }
        assert_eq!(format!("{:?}", HandoffCode::parse("K7Q2M9TD")), "Some(HandoffCode(…))");
    }

    #[test]
    fn a_code_never_outlives_its_session() {
        let now = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(code_deadline(now, now + Duration::hours(1)), now + CODE_TTL);
        assert_eq!(code_deadline(now, now + Duration::minutes(3)), now + Duration::minutes(3));
    }
}

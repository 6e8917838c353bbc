//! Reading a machine readable zone (ICAO 9303 TD1, TD2, TD3) from recognised lines: the format
//! from the line count and lengths, each position restricted to its field's alphabet (letters in
//! names and country codes, digits in dates and check digits — the only repair that needs no check
//! digit, because the other class cannot occur there), then parsing and check digits with the
//! `mrz` crate. Dates get their century here: a birth date is never in the future, an expiry is
//! always 20xx. Whether the document has expired or matches the partner's data is judged later
//! (`autoDocument`), not here: `valid` means only that every check digit holds.

use serde::Serialize;
use time::Date;

/// The three layouts of identity documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MrzFormat {
    /// ID card: 3 lines of 30.
    #[serde(rename = "TD1")]
    Td1,
    /// Official travel document / ID card: 2 lines of 36.
    #[serde(rename = "TD2")]
    Td2,
    /// Passport: 2 lines of 44.
    #[serde(rename = "TD3")]
    Td3,
}

impl MrzFormat {
    /// The format these line lengths belong to.
    pub fn of(lines: &[&str]) -> Option<Self> {
        let lengths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        match lengths.as_slice() {
            [30, 30, 30] => Some(Self::Td1),
            [36, 36] => Some(Self::Td2),
            [44, 44] => Some(Self::Td3),
            _ => None,
        }
    }

    pub const fn line_count(self) -> usize {
        match self {
            Self::Td1 => 3,
            Self::Td2 | Self::Td3 => 2,
        }
    }

    pub const fn line_length(self) -> usize {
        match self {
            Self::Td1 => 30,
            Self::Td2 => 36,
            Self::Td3 => 44,
        }
    }
}

/// Sex as the zone prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MrzSex {
    M,
    F,
    /// `<` (unspecified) or `X`.
    X,
}

/// What a zone says, as read. Names are as printed (A–Z, components separated by spaces).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MrzReading {
    pub format: MrzFormat,
    /// The lines after alphabet repair, exactly as checked.
    pub lines: Vec<String>,
    /// Every check digit the format prints holds.
    pub valid: bool,
    /// The fields whose check digit failed (`documentNumber`, `dateOfBirth`, `dateOfExpiry`,
    /// `personalNumber`, `composite`).
    pub failed_checks: Vec<&'static str>,
    /// `P`, `PD`, `I`, `ID` …
    pub document_type: String,
    /// The whole number, also when it overflows into the optional data (TD1, TD2).
    pub document_number: String,
    pub surname: String,
    pub given_names: String,
    pub nationality: String,
    pub issuing_country: String,
    #[serde(with = "iso_date")]
    pub date_of_birth: Option<Date>,
    #[serde(with = "iso_date")]
    pub date_of_expiry: Option<Date>,
    pub sex: Option<MrzSex>,
    pub personal_number: Option<String>,
    /// How sure the recogniser was of the least certain character of the name field (fillers
    /// included), when a recogniser read the zone. Names carry no check digit, so this is the only
    /// guard against a misread letter in a zone whose check digits hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_confidence: Option<f32>,
}

impl MrzReading {
    /// The reading as the domain's document decision takes it; `confident` says whether the
    /// recogniser was sure enough of every character.
    pub fn zone_fields(&self, confident: bool) -> kycd_domain::document_check::ZoneFields {
        use kycd_domain::vocabulary::Sex;
        kycd_domain::document_check::ZoneFields {
            valid: self.valid,
            confident,
            document_code: self.document_type.clone(),
            issuing_country: self.issuing_country.clone(),
            nationality: self.nationality.clone(),
            surname: self.surname.clone(),
            given_names: self.given_names.clone(),
            document_number: self.document_number.clone(),
            personal_number: self.personal_number.clone(),
            date_of_birth: self.date_of_birth,
            date_of_expiry: self.date_of_expiry,
            sex: match self.sex {
                Some(MrzSex::M) => Some(Sex::Male),
                Some(MrzSex::F) => Some(Sex::Female),
                Some(MrzSex::X) | None => None,
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MrzReadError {
    #[error(
        "{count} lines of lengths {lengths:?} are not a TD1 (3×30), TD2 (2×36) or TD3 (2×44) zone"
    )]
    NotAZone { count: usize, lengths: Vec<usize> },
    #[error("the zone does not parse: {0}")]
    Unparsable(String),
}

/// What one position of a zone may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// Letters and filler: names, country codes, document codes.
    Alpha,
    /// Digits and filler: dates and check digits.
    Digit,
    /// Anything of the MRZ alphabet: document numbers, optional data.
    Any,
    /// `M`, `F`, `<` or `X`.
    Sex,
}

/// The cells of each line of `format` (ICAO 9303 Parts 4–6).
fn layout(format: MrzFormat) -> Vec<Vec<Cell>> {
    use Cell::{Alpha as A, Any as N, Digit as D, Sex as S};
    let run = |cell: Cell, n: usize| std::iter::repeat_n(cell, n);
    let line = |parts: &[(Cell, usize)]| -> Vec<Cell> {
        parts.iter().flat_map(|&(cell, n)| run(cell, n)).collect()
    };
    match format {
        MrzFormat::Td3 | MrzFormat::Td2 => {
            let width = format.line_length();
            let optional = width - 28 - usize::from(format == MrzFormat::Td3) - 1;
            let mut second = line(&[(N, 9), (D, 1), (A, 3), (D, 7), (S, 1), (D, 7), (N, optional)]);
            if format == MrzFormat::Td3 {
                second.push(D); // personal-number check digit
            }
            second.push(D); // composite
            vec![line(&[(A, width)]), second]
        }
        MrzFormat::Td1 => vec![
            line(&[(A, 5), (N, 9), (N, 1), (N, 15)]),
            line(&[(D, 7), (S, 1), (D, 7), (A, 3), (N, 11), (D, 1)]),
            line(&[(A, 30)]),
        ],
    }
}

/// The character a misread most likely stands for in a cell of this kind.
fn repair(cell: Cell, c: char) -> char {
    match (cell, c) {
        (Cell::Alpha, '0') => 'O',
        (Cell::Alpha, '1') => 'I',
        (Cell::Alpha, '2') => 'Z',
        (Cell::Alpha, '5') => 'S',
        (Cell::Alpha, '6') => 'G',
        (Cell::Alpha, '8') => 'B',
        (Cell::Digit, 'O' | 'Q' | 'D') => '0',
        (Cell::Digit, 'I' | 'L') => '1',
        (Cell::Digit, 'Z') => '2',
        (Cell::Digit, 'S') => '5',
        (Cell::Digit, 'G') => '6',
        (Cell::Digit, 'B') => '8',
        _ => c,
    }
}

/// Reads a zone from its recognised lines, with `today` deciding the century of a birth date.
pub fn read(lines: &[&str], today: Date) -> Result<MrzReading, MrzReadError> {
    let format = MrzFormat::of(lines).ok_or_else(|| MrzReadError::NotAZone {
        count: lines.len(),
        lengths: lines.iter().map(|l| l.chars().count()).collect(),
    })?;
    let repaired: Vec<String> = lines
        .iter()
        .zip(layout(format))
        .map(|(line, cells)| line.chars().zip(cells).map(|(c, cell)| repair(cell, c)).collect())
        .collect();
    // Two-digit birth years above this year's are last century's.
    let pivot = u32::try_from(today.year().rem_euclid(100)).unwrap_or(0);
    let options = ::mrz::ParseOptions::default().with_pivot_yy(pivot);
    let parsed = match format {
        MrzFormat::Td1 => ::mrz::parse_td1_with(&repaired[0], &repaired[1], &repaired[2], &options),
        MrzFormat::Td2 => ::mrz::parse_td2_with(&repaired[0], &repaired[1], &options),
        MrzFormat::Td3 => ::mrz::parse_td3_with(&repaired[0], &repaired[1], &options),
    }
    .map_err(|e| MrzReadError::Unparsable(e.to_string()))?;
    Ok(reading(format, repaired, &parsed))
}

fn reading(format: MrzFormat, lines: Vec<String>, parsed: &::mrz::MrzData) -> MrzReading {
    let checks = &parsed.checks;
    let failed_checks = [
        ("documentNumber", checks.document_number),
        ("dateOfBirth", checks.date_of_birth),
        ("dateOfExpiry", checks.date_of_expiry),
        ("personalNumber", checks.personal_number),
        ("composite", checks.composite),
    ]
    .into_iter()
    .filter_map(|(name, ok)| (ok == Some(false)).then_some(name))
    .collect();
    let (surname, given_names) = names(format, &lines);
    MrzReading {
        format,
        lines,
        valid: parsed.checksum_consistent(),
        failed_checks,
        document_type: parsed.document_type.clone(),
        document_number: parsed.full_document_number().to_owned(),
        surname,
        given_names,
        nationality: parsed.nationality.clone(),
        issuing_country: parsed.issuing_country.clone(),
        date_of_birth: calendar(parsed.date_of_birth),
        date_of_expiry: calendar(parsed.date_of_expiry),
        sex: match parsed.sex {
            ::mrz::Sex::Male => Some(MrzSex::M),
            ::mrz::Sex::Female => Some(MrzSex::F),
            ::mrz::Sex::Unspecified | ::mrz::Sex::NonConformant('X') => Some(MrzSex::X),
            _ => None,
        },
        personal_number: match format {
            MrzFormat::Td3 => parsed.personal_number().map(str::to_owned),
            MrzFormat::Td1 | MrzFormat::Td2 => None,
        },
        name_confidence: None,
    }
}

/// Where the name field is: (line, first character).
pub const fn name_field(format: MrzFormat) -> (usize, usize) {
    match format {
        MrzFormat::Td1 => (2, 0),
        MrzFormat::Td2 | MrzFormat::Td3 => (0, 5),
    }
}

/// The primary and secondary identifiers (ICAO 9303 part 3 §4.6): the surname runs to the first
/// `<<`, the given names follow; a single `<` separates name parts. A zone whose name has no `<<`
/// (only a surname) has no given names.
fn names(format: MrzFormat, lines: &[String]) -> (String, String) {
    let field: &str = match format {
        MrzFormat::Td1 => lines.get(2).map_or("", |l| l.as_str()),
        MrzFormat::Td2 | MrzFormat::Td3 => lines.first().and_then(|l| l.get(5..)).unwrap_or(""),
    };
    let words =
        |part: &str| part.split('<').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    match field.split_once("<<") {
        Some((surname, given)) => (words(surname), words(given)),
        None => (words(field), String::new()),
    }
}

fn calendar(date: ::mrz::MrzDate) -> Option<Date> {
    let d = date.calendar()?;
    let month = time::Month::try_from(u8::try_from(d.month).ok()?).ok()?;
    Date::from_calendar_date(d.year, month, u8::try_from(d.day).ok()?).ok()
}

mod iso_date {
    use serde::Serializer;
    use time::Date;

    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => s.collect_str(&format_args!(
                "{:04}-{:02}-{:02}",
                d.year(),
                u8::from(d.month()),
                d.day()
            )),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 01);
    const TD3: [&str; 2] = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];
    const TD1: [&str; 3] = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];
    const TD2: [&str; 2] =
        ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"];

    #[test]
    fn the_icao_specimens_read_with_every_field() {
        let td3 = read(&TD3, TODAY).unwrap();
        assert!(td3.valid, "{td3:?}");
        assert_eq!(td3.format, MrzFormat::Td3);
        assert_eq!(
            (td3.surname.as_str(), td3.given_names.as_str(), td3.document_number.as_str()),
            ("ERIKSSON", "ANNA MARIA", "L898902C3")
        );
        assert_eq!(
            (td3.date_of_birth, td3.date_of_expiry),
            (Some(date!(1974 - 08 - 12)), Some(date!(2012 - 04 - 15)))
        );
        assert_eq!((td3.sex, td3.personal_number.as_deref()), (Some(MrzSex::F), Some("ZE184226B")));
        let fields = td3.zone_fields(true);
        assert_eq!(
            (fields.document_code.as_str(), fields.sex),
            ("P", Some(kycd_domain::vocabulary::Sex::Female))
        );
        for zone in [&TD1[..], &TD2[..]] {
            let reading = read(zone, TODAY).unwrap();
            assert!(reading.valid, "{reading:?}");
            assert_eq!(reading.document_number, "D23145890");
            assert_eq!(reading.nationality, "UTO");
            assert_eq!(reading.personal_number, None);
        }
    }

    #[test]
    fn the_surname_runs_to_the_first_double_filler() {
        let lines = |name: &str| vec![format!("I<UTO{name:<<31}"), String::new()];
        let (surname, given) = names(MrzFormat::Td2, &lines("DI<LIN<<"));
        assert_eq!((surname.as_str(), given.as_str()), ("DI LIN", ""), "a two-part surname only");
        let (surname, given) = names(MrzFormat::Td2, &lines("VAN<DER<BERG<<JAN<PIETER"));
        assert_eq!((surname.as_str(), given.as_str()), ("VAN DER BERG", "JAN PIETER"));
        let (surname, given) = names(MrzFormat::Td2, &lines("ONLYSURNAME"));
        assert_eq!((surname.as_str(), given.as_str()), ("ONLYSURNAME", ""));
        for zone in [&TD1[..], &TD2[..]] {
            let reading = read(zone, TODAY).unwrap();
            assert_eq!(
                (reading.surname.as_str(), reading.given_names.as_str()),
                ("ERIKSSON", "ANNA MARIA")
            );
        }
    }

    #[test]
    fn confusables_are_repaired_by_the_field_alphabet() {
        // Country codes with digits, dates and check digits with letters: each can only be the other.
        let misread = [
            "P<UT0ERIKSS0N<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<",
            "L898902C36UT07408I22F12O4I59ZE184226B<<<<<I0",
        ];
        let reading = read(&misread, TODAY).unwrap();
        assert!(reading.valid, "{reading:?}");
        assert_eq!(reading.lines, TD3);
        assert_eq!(reading.surname, "ERIKSSON");
    }

    #[test]
    fn a_wrong_check_digit_is_reported_by_field() {
        let wrong = [TD3[0], "L898902C37UTO7408122F1204159ZE184226B<<<<<10"];
        let reading = read(&wrong, TODAY).unwrap();
        assert!(!reading.valid);
        assert!(reading.failed_checks.contains(&"documentNumber"), "{:?}", reading.failed_checks);
    }

    #[test]
    fn birth_years_are_never_in_the_future_and_expiry_is_this_century() {
        // Born '30 (1930, as 2030 is in the future), expiring '30 (2030).
        let cd = |field: &str| char::from_digit(::mrz::check_digit(field).unwrap(), 10).unwrap();
        let (number, dob, expiry, personal) = ("L898902C3", "300101", "300101", "ZE184226B<<<<<");
        let line2 = format!(
            "{number}{}UTO{dob}{}F{expiry}{}{personal}{}",
            cd(number),
            cd(dob),
            cd(expiry),
            cd(personal)
        );
        let covered = format!("{}{}{}", &line2[0..10], &line2[13..20], &line2[21..43]);
        let line2 = format!("{line2}{}", cd(&covered));
        let reading = read(&[TD3[0], &line2], TODAY).unwrap();
        assert!(reading.valid, "{reading:?}");
        assert_eq!(reading.date_of_birth, Some(date!(1930 - 01 - 01)));
        assert_eq!(reading.date_of_expiry, Some(date!(2030 - 01 - 01)));
    }

    #[test]
    fn lines_of_other_shapes_are_not_a_zone() {
        assert!(matches!(read(&["ABC"], TODAY), Err(MrzReadError::NotAZone { .. })));
        assert!(matches!(
            read(&[&TD3[0][..43], TD3[1]], TODAY),
            Err(MrzReadError::NotAZone { .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn any_zone_shaped_text_reads_or_fails_without_panicking(
            a in "[A-Z0-9<]{44}", b in "[A-Z0-9<]{44}",
        ) {
            let _ = read(&[&a, &b], TODAY);
        }
    }
}

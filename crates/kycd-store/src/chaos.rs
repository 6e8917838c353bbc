//! [`ChaosSet`]: the sandbox chaos kinds applied to one webhook event's deliveries, and their
//! column form (labels in alphabetical order, comma-separated, NULL when there are none).

use kycd_domain::sandbox::Chaos;
use std::fmt;

/// A set of [`Chaos`] kinds, kept sorted by label and without repeats, so it has one column form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ChaosSet(Vec<Chaos>);

impl ChaosSet {
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn contains(&self, chaos: Chaos) -> bool {
        self.0.contains(&chaos)
    }

    /// Adds `chaos`; false if it was already there.
    pub fn insert(&mut self, chaos: Chaos) -> bool {
        match self.0.binary_search_by_key(&chaos.as_str(), |c| c.as_str()) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, chaos);
                true
            }
        }
    }

    /// In label order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Chaos> + '_ {
        self.0.iter().copied()
    }

    /// The labels ("DUPLICATE", …) in order.
    pub fn labels(&self) -> Vec<&'static str> {
        self.iter().map(Chaos::as_str).collect()
    }

    /// The stored form: `Some("DUPLICATE,OUT_OF_ORDER")`, `None` when empty.
    pub fn to_column(&self) -> Option<String> {
        (!self.is_empty()).then(|| self.to_string())
    }

    /// Reads the stored form back; `Err` names a label that is not a [`Chaos`] kind.
    pub fn from_column(column: Option<&str>) -> Result<Self, String> {
        let mut set = Self::new();
        for label in column.unwrap_or_default().split(',').filter(|l| !l.is_empty()) {
            set.insert(Chaos::parse(label).ok_or_else(|| format!("unknown chaos '{label}'"))?);
        }
        Ok(set)
    }
}

impl FromIterator<Chaos> for ChaosSet {
    fn from_iter<I: IntoIterator<Item = Chaos>>(kinds: I) -> Self {
        let mut set = Self::new();
        set.extend(kinds);
        set
    }
}

impl Extend<Chaos> for ChaosSet {
    fn extend<I: IntoIterator<Item = Chaos>>(&mut self, kinds: I) {
        for chaos in kinds {
            self.insert(chaos);
        }
    }
}

impl fmt::Display for ChaosSet {
    /// Labels comma-separated, as stored.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.labels().join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_form_is_sorted_labels_and_null_when_empty() {
        let set: ChaosSet =
            [Chaos::WrongSignature, Chaos::Duplicate, Chaos::TruncatedBody, Chaos::Duplicate]
                .into_iter()
                .collect();
        assert_eq!(set.len(), 3);
        let column = set.to_column();
        assert_eq!(column.as_deref(), Some("DUPLICATE,TRUNCATED_BODY,WRONG_SIGNATURE"));
        assert_eq!(ChaosSet::from_column(column.as_deref()), Ok(set.clone()));
        assert!(set.contains(Chaos::TruncatedBody) && !set.contains(Chaos::OutOfOrder));
        assert_eq!(ChaosSet::new().to_column(), None);
        assert_eq!(ChaosSet::from_column(None), Ok(ChaosSet::new()));
        assert_eq!(ChaosSet::from_column(Some("")), Ok(ChaosSet::new()));
        // Rows written in another order read as the same set.
        let unsorted = ChaosSet::from_column(Some("WRONG_SIGNATURE,DUPLICATE,TRUNCATED_BODY"));
        assert_eq!(unsorted, Ok(set));
        assert!(ChaosSet::from_column(Some("DUPLICATE,LOUD")).unwrap_err().contains("LOUD"));
    }
}

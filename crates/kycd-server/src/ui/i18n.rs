//! The flow's languages: Fluent files embedded in the binary (`locales/*.ftl`), parsed once. A
//! message missing in a language falls back to English; a message missing in English is a bug
//! caught by the unit test below, shown as its id rather than failing the page.

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use kycd_domain::flow::SPOKEN;
use std::{collections::HashMap, sync::OnceLock};

/// Each language's texts and its country names (generated from Unicode CLDR by
/// tools/flow/countries.py).
const SOURCES: [(&str, &str, &str); 8] = [
    ("en", include_str!("../../locales/en.ftl"), include_str!("../../locales/countries-en.ftl")),
    ("lt", include_str!("../../locales/lt.ftl"), include_str!("../../locales/countries-lt.ftl")),
    ("de", include_str!("../../locales/de.ftl"), include_str!("../../locales/countries-de.ftl")),
    ("fr", include_str!("../../locales/fr.ftl"), include_str!("../../locales/countries-fr.ftl")),
    ("es", include_str!("../../locales/es.ftl"), include_str!("../../locales/countries-es.ftl")),
    ("pl", include_str!("../../locales/pl.ftl"), include_str!("../../locales/countries-pl.ftl")),
    ("ru", include_str!("../../locales/ru.ftl"), include_str!("../../locales/countries-ru.ftl")),
    ("ar", include_str!("../../locales/ar.ftl"), include_str!("../../locales/countries-ar.ftl")),
];

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static HashMap<&'static str, Bundle> {
    static BUNDLES: OnceLock<HashMap<&'static str, Bundle>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        SOURCES
            .iter()
            .filter_map(|(code, texts, countries)| {
                let langid = code.parse().ok()?;
                let mut bundle = FluentBundle::new_concurrent(vec![langid]);
                // Isolation marks would end up inside HTML attributes and URLs.
                bundle.set_use_isolating(false);
                for source in [texts, countries] {
                    // A file with a syntax error keeps its good entries (the test rejects it).
                    let resource = FluentResource::try_new((*source).to_owned())
                        .unwrap_or_else(|(partial, _errors)| partial);
                    bundle.add_resource(resource).ok()?;
                }
                Some((*code, bundle))
            })
            .collect()
    })
}

/// The texts of one language, for a page.
#[derive(Debug, Clone, Copy)]
pub struct Texts {
    pub lang: &'static str,
}

impl Texts {
    pub fn new(lang: &'static str) -> Self {
        let lang = SPOKEN.iter().copied().find(|s| *s == lang).unwrap_or("en");
        Self { lang }
    }

    /// The message `id`.
    pub fn get(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one placeable.
    pub fn with(&self, id: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value.to_owned()));
        self.format(id, Some(&args))
    }

    /// The message `id` with a number (plural rules apply).
    pub fn count(&self, id: &str, name: &str, value: i64) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value));
        self.format(id, Some(&args))
    }

    /// The message `id` with two placeables.
    pub fn with2(&self, id: &str, a: (&str, &str), b: (&str, &str)) -> String {
        let mut args = FluentArgs::new();
        args.set(a.0.to_owned(), FluentValue::from(a.1.to_owned()));
        args.set(b.0.to_owned(), FluentValue::from(b.1.to_owned()));
        self.format(id, Some(&args))
    }

    /// True when `id` exists in this language or in English.
    pub fn has(&self, id: &str) -> bool {
        [self.lang, "en"].iter().any(|l| bundles().get(l).is_some_and(|b| b.has_message(id)))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        for lang in [self.lang, "en"] {
            let Some(bundle) = bundles().get(lang) else { continue };
            let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else { continue };
            let mut errors = Vec::new();
            return bundle.format_pattern(pattern, args, &mut errors).into_owned();
        }
        id.to_owned()
    }

    /// Every language the flow speaks, with its own name, for the language switch.
    pub fn languages() -> Vec<(&'static str, String)> {
        SPOKEN.iter().map(|code| (*code, Texts::new(code).get("lang-name"))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::FluentResource;

    fn ids(source: &str) -> Vec<String> {
        let resource = FluentResource::try_new(source.to_owned()).expect("parses");
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_language_parses_and_has_every_english_message() {
        let english = ids(SOURCES[0].1);
        for (code, texts, countries) in SOURCES {
            let found = ids(texts);
            let missing: Vec<_> = english.iter().filter(|id| !found.contains(id)).collect();
            assert!(missing.is_empty(), "{code}.ftl lacks {missing:?}");
            assert_eq!(bundles()[code].locales[0].to_string(), code);
            let named = ids(countries);
            for alpha2 in kycd_domain::countries::ALPHA2 {
                assert!(
                    named.contains(&format!("country-{alpha2}")),
                    "countries-{code}.ftl lacks {alpha2}"
                );
            }
        }
        assert_eq!(Texts::new("lt").get("country-DE"), "Vokietija");
    }

    #[test]
    fn placeables_plurals_and_fallback() {
        let lt = Texts::new("lt");
        assert_eq!(Texts::new("en").count("time-left", "minutes", 1), "1 minute left");
        assert_eq!(Texts::new("en").count("time-left", "minutes", 5), "5 minutes left");
        assert_ne!(lt.count("time-left", "minutes", 2), lt.count("time-left", "minutes", 10));
        assert_eq!(Texts::new("xx").lang, "en");
        assert_eq!(lt.get("no-such-message"), "no-such-message");
        assert_eq!(
            Texts::new("en").with("verifying-for", "partner", "Shop"),
            "Verification for Shop"
        );
    }
}

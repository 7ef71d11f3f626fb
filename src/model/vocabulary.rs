//! The closed vocabularies claimtrack stores as text (kinds, stances, relations, states):
//! each one a `text_enum!`, read and written the same by clap, serde and the schema's CHECKs.

/// Defines a closed vocabulary stored as text: parsing names the allowed values, serde and
/// clap speak the same words, and `ALL` lets the schema's CHECK lists be tested against it.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$va:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$va])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const WHAT: &'static str = $what;

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("'{s}' is not a valid {}; use one of: {}", Self::WHAT,
                        [$($text),+].join(", "))),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(d)?.parse().map_err(::serde::de::Error::custom)
            }
        }

        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] { Self::ALL }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.as_str()))
            }
        }
    };
}

pub(crate) use text_enum;

text_enum!(
    /// What sort of party speaks.
    PartyKind, "party kind" {
        Government = "government", Official = "official", Military = "military",
        Intelligence = "intelligence", Company = "company", Media = "media", Ngo = "ngo",
        Person = "person", Group = "group", Other = "other",
    }
);

text_enum!(
    /// What sort of document a source is.
    SourceKind, "source kind" {
        Article = "article", Document = "document", Statement = "statement",
        Transcript = "transcript", Social = "social", Interview = "interview",
        Dataset = "dataset", Other = "other",
    }
);

text_enum!(
    /// Admiralty (NATO) source reliability: A completely reliable ... F cannot be judged.
    #[derive(Default)]
    Reliability, "reliability grade" {
        A = "A", B = "B", C = "C", D = "D", E = "E", #[default] F = "F",
    }
);

text_enum!(
    /// A party's stance on a proposition in one claim.
    Stance, "stance" {
        Affirms = "affirms", Denies = "denies", Qualifies = "qualifies", Neutral = "neutral",
        Declined = "declined", NoResponse = "no-response",
    }
);

text_enum!(
    /// How one claim relates to another.
    LinkRel, "link relation" {
        Contradicts = "contradicts", Supports = "supports", Cites = "cites",
        Supersedes = "supersedes",
    }
);

text_enum!(
    /// Where a claim's date comes from: its own `stated` date, its source's `published` date,
    /// or neither (an undated claim).
    DateBasis, "date basis" { Stated = "stated", Published = "published", Undated = "undated" }
);

text_enum!(
    /// The kinds of record claimtrack logs.
    RecordKind, "record kind" {
        Party = "party", Source = "source", Proposition = "proposition", Claim = "claim",
        Link = "link", Request = "request", Retraction = "retraction", Verdict = "verdict",
        Correction = "correction",
    }
);

impl RecordKind {
    /// The kinds with tables of their own, each row logged by one event, in the order a
    /// bundle lists them (a correction is a change to one of them, not a record of its own).
    pub const TABLED: [RecordKind; 8] = [
        RecordKind::Party,
        RecordKind::Source,
        RecordKind::Proposition,
        RecordKind::Claim,
        RecordKind::Link,
        RecordKind::Request,
        RecordKind::Retraction,
        RecordKind::Verdict,
    ];

    /// The bundle key ("parties").
    pub const fn plural(self) -> &'static str {
        match self {
            RecordKind::Party => "parties",
            RecordKind::Source => "sources",
            RecordKind::Proposition => "propositions",
            RecordKind::Claim => "claims",
            RecordKind::Link => "links",
            RecordKind::Request => "requests",
            RecordKind::Retraction => "retractions",
            RecordKind::Verdict => "verdicts",
            RecordKind::Correction => "corrections",
        }
    }
}

text_enum!(
    /// Which table a retraction's target lives in (claims and sources share one id space).
    TargetKind, "retraction target kind" { Claim = "claim", Source = "source" }
);

impl Stance {
    /// The stance in words for reports ("no response" rather than "no-response").
    pub fn label(self) -> &'static str {
        match self {
            Stance::NoResponse => "no response",
            Stance::Declined => "declined to comment",
            other => other.as_str(),
        }
    }

    /// Whether the stance is a position: the party commented (affirms, denies, qualifies,
    /// neutral), as opposed to declining or not answering.
    pub fn is_position(self) -> bool {
        matches!(self, Stance::Affirms | Stance::Denies | Stance::Qualifies | Stance::Neutral)
    }
}

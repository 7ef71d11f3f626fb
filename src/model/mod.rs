//! The domain records (party, source, proposition, claim, link, request, retraction, verdict)
//! and the interchange bundle that carries them, with every field validated as it is read;
//! and (in `finding`) what the reconciler finds.

mod bearing;
mod correction;
mod finding;
mod logged;
mod records;
mod story;
mod values;
mod vocabulary;
mod window;

pub use bearing::*;
pub use correction::*;
pub use finding::*;
pub use logged::*;
pub use records::*;
pub use story::*;
pub use values::*;
pub use vocabulary::*;
pub use window::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Timestamp;

    fn claim() -> Claim {
        serde_json::from_str(r#"{"proposition":"p","party":"x","stance":"denies","source":"s","quote":"no"}"#).unwrap()
    }

    #[test]
    fn derived_ids_ignore_who_logged_and_when() {
        let a = claim();
        let mut b = claim();
        b.stamp("someone", Timestamp::now());
        assert_eq!(a.derived_id(), b.derived_id());
        assert!(a.derived_id().starts_with("c-") && a.derived_id().len() == 14);
        let c = Claim { quote: Some("yes".into()), ..claim() };
        assert_ne!(a.derived_id(), c.derived_id());
    }

    #[test]
    fn vocabularies_name_the_allowed_values() {
        let err = "deny".parse::<Stance>().unwrap_err();
        assert!(err.contains("'deny'") && err.contains("denies") && err.contains("no-response"));
        for s in Stance::ALL {
            assert_eq!(s.as_str().parse::<Stance>().unwrap(), *s);
        }
    }

    #[test]
    fn checked_values_refuse_out_of_range() {
        assert!("1.5".parse::<Confidence>().is_err());
        assert!("-0.1".parse::<Confidence>().is_err());
        assert!("NaN".parse::<Confidence>().is_err());
        assert!("inf".parse::<Confidence>().is_err());
        for zero in ["-0", "-0.0", "0"] {
            assert!(zero.parse::<Confidence>().unwrap().0.is_sign_positive(), "{zero}");
            assert!(zero.parse::<Rating>().unwrap().0.is_sign_positive(), "{zero}");
        }
        for bad in ["inf", "-inf", "NaN", "infinity"] {
            assert!(bad.parse::<Rating>().is_err(), "{bad}");
        }
        let toml_zero: Confidence = toml::from_str::<toml::Value>("c = -0.0").unwrap()["c"].clone().try_into().unwrap();
        assert!(toml_zero.0.is_sign_positive());
        assert_eq!("0.8".parse::<Confidence>().unwrap().0, 0.8);
        assert!("7".parse::<Grade>().is_err());
        assert!("0".parse::<Grade>().is_err());
        assert_eq!("cn".parse::<Country>().unwrap().0, "CN");
        assert!("CHN".parse::<Country>().is_err());
        assert!("zz".repeat(32).parse::<Sha256Hex>().is_err());
        assert!("ab".repeat(32).parse::<Sha256Hex>().is_ok());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<Claim>(
            r#"{"proposition":"p","party":"x","stance":"denies","source":"s","stnace":"x"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("stnace"));
    }
}

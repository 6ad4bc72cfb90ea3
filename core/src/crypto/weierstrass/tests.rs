//! The shared algorithm, checked on both curves.

use super::residue::{limbs_to_be_bytes, sub_limbs};
use super::*;
use crate::crypto::nistp256::P256;
use crate::crypto::nistp384::P384;

fn value_of(digits: &[i8]) -> i128 {
    digits
        .iter()
        .enumerate()
        .filter(|(_, d)| **d != 0)
        .map(|(i, d)| (*d as i128) << i)
        .sum()
}

#[test]
fn wnaf_recodes_pieces_exactly() {
    let scalar: [u64; 6] = [
        0xdead_beef_0123_4567,
        0xffff_ffff_ffff_ffff,
        0x8000_0000_0000_0001,
        0x5555_aaaa_5555_aaaa,
        0,
        0xffff_0000_ffff_0000,
    ];
    for window in 2..=8 {
        for (start, len) in [(0, 96), (96, 96), (192, 96), (288, 96), (0, 100), (224, 32)] {
            let digits = recode_wnaf(&scalar, start, len, window);
            let mut expect: i128 = 0;
            for k in 0..len {
                let abs = start + k;
                let bit = (scalar[(abs / 64) as usize] >> (abs % 64)) & 1;
                expect |= (bit as i128) << k;
            }
            assert_eq!(value_of(&digits), expect, "window {window} piece {start}");
            for d in digits {
                assert!(d == 0 || (d % 2 != 0 && (d.unsigned_abs() as u32) < 1 << (window - 1)));
            }
        }
    }
}

fn group_law_agrees_with_itself<C: Curve>() {
    let g = Affine::<C>::generator().unwrap();
    let gj = Jacobian::from_affine(&g);
    let two = gj.double();
    let three_a = two.add_affine(&g);
    let three_b = gj.add(&two);
    let four_a = three_a.add_affine(&g);
    let four_b = two.double();
    let affine = batch_to_affine(&[three_a, three_b, four_a, four_b]).unwrap();
    assert_eq!(affine[0], affine[1]);
    assert_eq!(affine[2], affine[3]);
    // Every result is on the curve.
    for p in &affine {
        let x = limbs_to_be_bytes(p.x.to_canonical_limbs().as_ref());
        let y = limbs_to_be_bytes(p.y.to_canonical_limbs().as_ref());
        assert_eq!(Affine::<C>::from_coordinates(&x, &y), Some(*p));
    }
    // P + (−P) is infinity; infinity + P is P.
    assert!(gj.add_affine(&g.neg()).is_infinity());
    assert!(gj.add(&Jacobian::from_affine(&g.neg())).is_infinity());
    let back = batch_to_affine(&[Jacobian::INFINITY.add_affine(&g)]).unwrap();
    assert_eq!(back[0], g);
    // The same sum through tables of different shapes.
    let mut scalar = C::Limbs::default();
    scalar.as_mut()[0] = 5;
    *scalar.as_mut().last_mut().unwrap() = 1 << 40;
    let results: Vec<Affine<C>> = [(1, 5), (4, 5), (4, 7), (2, 4), (8, 6)]
        .into_iter()
        .map(|(pieces, window)| {
            let shape = TableShape { pieces, window };
            let points = build_table(&g, shape).unwrap();
            let sum = multi_mul(&[(
                TableRef {
                    shape,
                    points: &points,
                },
                scalar,
            )]);
            batch_to_affine(&[sum]).unwrap()[0]
        })
        .collect();
    assert!(results.windows(2).all(|w| w[0] == w[1]));
    // n·G is infinity: (n − 1)·G is −G.
    let mut one = C::Limbs::default();
    one.as_mut()[0] = 1;
    let n_minus_1 = sub_limbs(&C::Scalar::MODULUS, &one);
    let points = build_table(&g, C::ON_THE_FLY_SHAPE).unwrap();
    let table = TableRef {
        shape: C::ON_THE_FLY_SHAPE,
        points: &points,
    };
    let minus_g = batch_to_affine(&[multi_mul(&[(table, n_minus_1)])]).unwrap()[0];
    assert_eq!(minus_g, g.neg());
}

#[test]
fn group_law_p256() {
    group_law_agrees_with_itself::<P256>();
}

#[test]
fn group_law_p384() {
    group_law_agrees_with_itself::<P384>();
}

fn inverse_and_range_checks<C: Curve>() {
    let mut seven = C::Limbs::default();
    seven.as_mut()[0] = 7;
    for x in [
        C::Fe::from_canonical_limbs(&seven).unwrap(),
        C::Fe::ONE.neg(),
    ] {
        assert_eq!(x.mul(&x.invert_vartime()), C::Fe::ONE);
    }
    let s = C::Scalar::from_canonical_limbs(&seven).unwrap();
    assert_eq!(s.mul(&s.invert_vartime()), C::Scalar::ONE);
    // The moduli themselves are out of range; one below is in.
    assert!(C::Fe::from_canonical_limbs(&C::Fe::MODULUS).is_none());
    assert!(C::Scalar::from_canonical_limbs(&C::Scalar::MODULUS).is_none());
    let mut one = C::Limbs::default();
    one.as_mut()[0] = 1;
    assert_eq!(
        C::Fe::from_canonical_limbs(&sub_limbs(&C::Fe::MODULUS, &one)).unwrap(),
        C::Fe::ONE.neg()
    );
    assert_eq!(C::Fe::ONE.to_canonical_limbs(), one);
    // A digest equal to n + 5 reduces to 5; n itself to zero.
    let mut five = C::Limbs::default();
    five.as_mut()[0] = 5;
    let (n_plus_5, overflow) = add_limbs(&C::Scalar::MODULUS, &five);
    assert!(!overflow);
    assert_eq!(
        scalar_from_digest::<C>(&limbs_to_be_bytes(n_plus_5.as_ref())).to_canonical_limbs(),
        five
    );
    assert!(scalar_from_digest::<C>(&limbs_to_be_bytes(C::Scalar::MODULUS.as_ref())).is_zero());
    // Longer digests keep their leftmost bits; shorter ones are taken whole.
    let mut long = alloc::vec![0u8; 64];
    long[C::BYTES - 1] = 9;
    long[63] = 0xff;
    let mut nine = C::Limbs::default();
    nine.as_mut()[0] = 9;
    assert_eq!(scalar_from_digest::<C>(&long).to_canonical_limbs(), nine);
    let mut short = [0u8; 20];
    short[19] = 3;
    let mut three = C::Limbs::default();
    three.as_mut()[0] = 3;
    assert_eq!(scalar_from_digest::<C>(&short).to_canonical_limbs(), three);
}

#[test]
fn inverse_and_range_checks_p256() {
    inverse_and_range_checks::<P256>();
}

#[test]
fn inverse_and_range_checks_p384() {
    inverse_and_range_checks::<P384>();
}

/// One Wycheproof ECDSA verification case.
pub(crate) struct WycheproofCase {
    pub(crate) id: u64,
    pub(crate) msg: Vec<u8>,
    pub(crate) sig: Vec<u8>,
    pub(crate) valid: bool,
}

/// One group of a Wycheproof ECDSA file: its key (uncompressed point, SPKI) and cases.
pub(crate) struct WycheproofGroup {
    pub(crate) point: Vec<u8>,
    pub(crate) spki: Vec<u8>,
    pub(crate) cases: Vec<WycheproofCase>,
}

/// Every group of a Wycheproof ECDSA verification file for `curve`, checked to hold exactly
/// `count` cases, both valid and invalid ones in number (so a truncated file fails).
pub(crate) fn wycheproof_groups(json: &str, curve: &str, count: usize) -> Vec<WycheproofGroup> {
    use crate::encoding::hex_decode;
    let doc: serde_json::Value = serde_json::from_str(json).unwrap();
    let hex = |v: &serde_json::Value| hex_decode(v.as_str().unwrap()).unwrap();
    let groups: Vec<WycheproofGroup> = doc["testGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| {
            assert_eq!(group["publicKey"]["curve"], curve);
            let cases = group["tests"]
                .as_array()
                .unwrap()
                .iter()
                .map(|case| WycheproofCase {
                    id: case["tcId"].as_u64().unwrap(),
                    msg: hex(&case["msg"]),
                    sig: hex(&case["sig"]),
                    valid: match case["result"].as_str().unwrap() {
                        "valid" => true,
                        "invalid" => false,
                        other => panic!("tcId {}: unexpected result {other}", case["tcId"]),
                    },
                })
                .collect();
            WycheproofGroup {
                point: hex(&group["publicKey"]["uncompressed"]),
                spki: hex(&group["publicKeyDer"]),
                cases,
            }
        })
        .collect();
    let cases = groups.iter().flat_map(|g| &g.cases);
    assert_eq!(cases.clone().count(), count, "every vector of the file");
    let valid = cases.clone().filter(|c| c.valid).count();
    assert!(
        valid > 100 && count - valid > 300,
        "{valid} valid of {count}"
    );
    groups
}

/// Checks that a curve's generated `tables.rs` (`current`, at `path`) is what
/// [`tables_source`] computes for `keys`, rewriting it first when `variable` is set.
pub(crate) fn check_tables_source<C: Curve>(
    curve: &str,
    module: &str,
    variable: &str,
    keys: &[Vec<u8>],
    path: &str,
    current: &str,
) {
    assert!(!keys.is_empty());
    let src = tables_source::<C>(curve, module, variable, keys);
    #[cfg(feature = "std")]
    if std::env::var_os(variable).is_some() {
        std::fs::write(path, &src).unwrap();
    }
    assert!(
        src == current,
        "{path} is stale: regenerate it with `{variable}=1 cargo test -p edgeverify-core --lib generated_tables`"
    );
}

//! A choropleth's rules: which class (colour) a territory's value falls in, the colours, and what
//! the legend says. The server draws maps with them and a page can show the same classes beside a
//! table, so both read alike.
//!
//! Quantile classes put about as many territories in each colour, which suits rates that are
//! skewed (a few localidades far above the rest). Ties are common in health data (many territories
//! with 0 cases): a tie never splits across two classes, so classes merge instead, and a class that
//! holds only the smallest value (often 0) is kept apart from the rest.

/// The most classes a map shows: beyond seven, colours of a sequential scheme stop being told apart.
pub const MAX_CLASSES: usize = 7;

/// Class limits, ascending: class 0 is `[limits[0], limits[1]]`, class `i` is
/// `(limits[i], limits[i + 1]]`. Every limit is one of the values classified, so no class is
/// empty. Only the first two limits may be equal (a class of the smallest value alone, or a single
/// class when every value is the same).
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    limits: Vec<f64>,
}

impl Classes {
    pub fn limits(&self) -> &[f64] {
        &self.limits
    }

    /// How many classes (at least one).
    pub fn len(&self) -> usize {
        self.limits.len() - 1
    }

    /// Never: [`quantile_classes`] answers `None` rather than an empty set of classes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The class of a value; one outside the limits falls in the nearest class (NaN, which a
    /// caller shows as *sin dato*, in the first).
    pub fn class_of(&self, value: f64) -> usize {
        self.limits[1..]
            .partition_point(|&upper| upper < value)
            .min(self.len() - 1)
    }
}

/// Up to `k` quantile classes of the finite values (NaN and infinities are ignored); `None` when
/// there is none or `k` is 0. Each upper limit is chosen among the values not yet classified, so
/// a tie that fills several quantiles leaves the remaining classes to the remaining values.
pub fn quantile_classes(values: &[f64], k: usize) -> Option<Classes> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() || k == 0 {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let min = sorted[0];
    let mut limits = vec![min];
    let mut rest = &sorted[..];
    while !rest.is_empty() && limits.len() <= k {
        let classes_left = k + 1 - limits.len();
        let upper = rest[rest.len().div_ceil(classes_left) - 1];
        limits.push(upper);
        // everything up to the limit (ties included) is in this class
        let taken = rest.partition_point(|&v| v <= upper);
        rest = &rest[taken..];
    }
    if limits.len() == 1 {
        limits.push(min);
    }
    Some(Classes { limits })
}

/// ColorBrewer's YlGnBu (Cynthia Brewer, colorbrewer2.org, Apache-2.0 licensed colour
/// specifications): sequential, safe for colour-blind readers and legible on a projector. One and
/// two classes take colours from the three-class scheme.
const YL_GN_BU: [&[&str]; MAX_CLASSES] = [
    &["#7fcdbb"],
    &["#edf8b1", "#2c7fb8"],
    &["#edf8b1", "#7fcdbb", "#2c7fb8"],
    &["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    &["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    &[
        "#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494",
    ],
    &[
        "#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84",
    ],
];

/// The colours (`#rrggbb`, lightest first) of a map with this many classes (1 to
/// [`MAX_CLASSES`]; more take the seven-class scheme).
pub fn palette(classes: usize) -> &'static [&'static str] {
    YL_GN_BU[classes.clamp(1, MAX_CLASSES) - 1]
}

/// The legend's line for each class, from the caller's number format: `"a – b"` for the first,
/// `"> a – b"` for the others (a limit belongs to the class below it), one number when both ends
/// read the same.
pub fn legend_labels(classes: &Classes, format: &dyn Fn(f64) -> String) -> Vec<String> {
    classes
        .limits
        .windows(2)
        .enumerate()
        .map(|(i, ends)| {
            let (low, high) = (format(ends[0]), format(ends[1]));
            match (i, low == high) {
                (0, true) => low,
                (0, false) => format!("{low} – {high}"),
                (_, true) => format!("> {low}"),
                (_, false) => format!("> {low} – {high}"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn limits(values: &[f64], k: usize) -> Vec<f64> {
        quantile_classes(values, k).unwrap().limits
    }

    #[test]
    fn quantiles_share_the_values_out_evenly() {
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(limits(&values, 5), vec![1.0, 4.0, 8.0, 12.0, 16.0, 20.0]);
        let classes = quantile_classes(&values, 5).unwrap();
        let counts = values.iter().fold([0; 5], |mut c, v| {
            c[classes.class_of(*v)] += 1;
            c
        });
        assert_eq!(counts, [4; 5]);
        assert_eq!(limits(&[3.0, 1.0, 2.0], 3), vec![1.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn ties_merge_classes_and_zero_keeps_its_own() {
        let zeros = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0];
        assert_eq!(limits(&zeros, 5), vec![0.0, 0.0, 1.0, 2.0]);
        let classes = quantile_classes(&zeros, 5).unwrap();
        assert_eq!(classes.len(), 3);
        assert_eq!(classes.class_of(0.0), 0);
        assert_eq!(classes.class_of(1.0), 1);
        assert_eq!(classes.class_of(2.0), 2);
        // a tie in the middle fills two quantiles; the classes above are the rest's
        assert_eq!(
            limits(&[1.0, 2.0, 5.0, 5.0, 5.0, 5.0, 6.0, 7.0], 4),
            vec![1.0, 2.0, 5.0, 6.0, 7.0]
        );
    }

    #[test]
    fn few_values_or_none() {
        let one = quantile_classes(&[7.5, 7.5, f64::NAN], 5).unwrap();
        assert_eq!((one.limits(), one.len()), (&[7.5, 7.5][..], 1));
        assert_eq!(one.class_of(7.5), 0);
        assert_eq!(one.class_of(100.0), 0);
        assert!(!one.is_empty());
        assert_eq!(quantile_classes(&[], 5), None);
        assert_eq!(quantile_classes(&[f64::NAN, f64::INFINITY], 5), None);
        assert_eq!(quantile_classes(&[1.0], 0), None);
        let two = quantile_classes(&[1.0, 2.0], 5).unwrap();
        assert_eq!(two.limits(), &[1.0, 1.0, 2.0]);
        assert_eq!(two.class_of(-3.0), 0, "below the limits: the first class");
        assert_eq!(two.class_of(9.0), 1, "above: the last");
    }

    #[test]
    fn palettes_are_sequential_hex_colours() {
        for n in 0..=9 {
            let colours = palette(n);
            assert_eq!(colours.len(), n.clamp(1, MAX_CLASSES));
            let lightness: Vec<u32> = colours
                .iter()
                .map(|c| {
                    assert!(c.len() == 7 && c.starts_with('#'), "{c}");
                    let rgb = u32::from_str_radix(&c[1..], 16).unwrap();
                    (rgb >> 16) + ((rgb >> 8) & 0xff) + (rgb & 0xff)
                })
                .collect();
            assert!(lightness.windows(2).all(|w| w[0] > w[1]), "{colours:?}");
        }
    }

    #[test]
    fn legend_lines_read_each_range() {
        let format = |v: f64| format!("{v:.1}").replace('.', ",");
        let classes = quantile_classes(&[0.0, 0.0, 0.0, 1.25, 2.5, 10.0], 3).unwrap();
        assert_eq!(
            legend_labels(&classes, &format),
            vec!["0,0", "> 0,0 – 2,5", "> 2,5 – 10,0"]
        );
        let classes = quantile_classes(&[1.0, 1.01, 3.0], 2).unwrap();
        assert_eq!(
            legend_labels(&classes, &format),
            vec!["1,0", "> 1,0 – 3,0"],
            "ends that read the same are written once"
        );
        let classes = quantile_classes(&[1.0, 2.0, 3.0, 4.0], 2).unwrap();
        assert_eq!(
            legend_labels(&classes, &format),
            vec!["1,0 – 2,0", "> 2,0 – 4,0"]
        );
    }

    proptest! {
        #[test]
        fn every_value_is_in_exactly_one_ordered_class(
            values in prop::collection::vec(
                prop_oneof![
                    4 => -1e6f64..1e6,
                    2 => (0u8..5).prop_map(f64::from),
                    1 => Just(f64::NAN),
                ],
                0..60,
            ),
            k in 1usize..=MAX_CLASSES,
        ) {
            let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
            let Some(classes) = quantile_classes(&values, k) else {
                prop_assert!(finite.is_empty());
                return Ok(());
            };
            let l = classes.limits();
            prop_assert!(!classes.is_empty() && classes.len() <= k);
            prop_assert!(l[0] <= l[1]);
            prop_assert!(l[1..].windows(2).all(|w| w[0] < w[1]), "ordered: {:?}", l);
            let mut members = vec![0usize; classes.len()];
            for &v in &finite {
                // in exactly one class: the one `class_of` names, by the limits' own definition
                let inside: Vec<usize> = (0..classes.len())
                    .filter(|&i| (if i == 0 { l[0] <= v } else { l[i] < v }) && v <= l[i + 1])
                    .collect();
                prop_assert_eq!(inside, vec![classes.class_of(v)]);
                members[classes.class_of(v)] += 1;
            }
            prop_assert!(members.iter().all(|&m| m > 0), "no empty class: {:?}", members);
            prop_assert!(l.iter().all(|x| finite.contains(x)), "limits are values");
            let mut sorted = finite.clone();
            sorted.sort_by(f64::total_cmp);
            let order: Vec<usize> = sorted.iter().map(|&v| classes.class_of(v)).collect();
            prop_assert!(order.windows(2).all(|w| w[0] <= w[1]), "monotone");
        }
    }
}

//! Edits of a preset's species list that keep it consistent: fresh unique names, duplicates,
//! removal and renaming with every reference by name (`EmissionGain` and `Cascade` targets,
//! chemotaxis species) followed. The lab's species editor and its command applier use them.

use crate::release::ReleaseOp;
use crate::species::Species;

/// `base`, or `base 2`, `base 3`, … : the first that no species has.
pub fn unique_name(species: &[Species], base: &str) -> String {
    let taken = |n: &str| species.iter().any(|s| s.name == n);
    if !taken(base) {
        return base.to_string();
    }
    (2..).map(|i| format!("{base} {i}")).find(|n| !taken(n)).unwrap_or_else(|| base.to_string())
}

/// Appends a copy of species `k` under a fresh name and returns its index (`k` itself when
/// `k` is out of range, with nothing added).
pub fn duplicate_species(species: &mut Vec<Species>, k: usize) -> usize {
    let Some(source) = species.get(k) else { return k };
    let mut copy = source.clone();
    copy.name = unique_name(species, &format!("{} copy", source.name));
    species.push(copy);
    species.len() - 1
}

/// Removes species `k` and every reference to it: release operators of the other species that
/// target it are dropped, and chemotaxis toward it falls back to the species' own density.
/// Returns how many references were removed (0 and nothing done when `k` is out of range).
pub fn remove_species(species: &mut Vec<Species>, k: usize) -> usize {
    if k >= species.len() {
        return 0;
    }
    let gone = species.remove(k).name;
    let mut removed = 0;
    for s in species.iter_mut() {
        let before = s.releases.len();
        s.releases.retain(|op| match op {
            ReleaseOp::EmissionGain { species, .. } | ReleaseOp::Cascade { species, .. } => {
                *species != gone
            }
            _ => true,
        });
        removed += before - s.releases.len();
        if s.kernel.density_species.as_deref() == Some(gone.as_str()) {
            s.kernel.density_species = None;
            removed += 1;
        }
    }
    removed
}

/// Renames species `k` to `new_name` (trimmed) and every reference to its old name
/// (`EmissionGain` and `Cascade` targets, chemotaxis species) in every species, itself included.
/// Refuses an empty name, a name another species has, and an index out of range.
pub fn rename_species(species: &mut [Species], k: usize, new_name: &str) -> Result<(), String> {
    let new_name = new_name.trim();
    if new_name.is_empty() {
        return Err("a name must not be empty".into());
    }
    let Some(old) = species.get(k).map(|s| s.name.clone()) else {
        return Err(format!("there is no species {k}"));
    };
    if old == new_name {
        return Ok(());
    }
    if species.iter().any(|s| s.name == new_name) {
        return Err(format!("another species is already named `{new_name}`"));
    }
    for s in species.iter_mut() {
        for op in &mut s.releases {
            if let ReleaseOp::EmissionGain { species: target, .. }
            | ReleaseOp::Cascade { species: target, .. } = op
                && *target == old
            {
                *target = new_name.to_string();
            }
        }
        if s.kernel.density_species.as_deref() == Some(old.as_str()) {
            s.kernel.density_species = Some(new_name.to_string());
        }
    }
    species[k].name = new_name.to_string();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::Amount;
    use crate::species::IDENTITY;

    /// The first species of the shipped tiny chain, named `name`, with one `Gain` release.
    fn named(name: &str) -> Species {
        let preset = crate::preset::from_str(
            include_str!("../../../presets/tiny_chain.ron"),
            "tiny_chain.ron",
        )
        .expect("the shipped tiny chain loads");
        let mut s = preset.species[0].clone();
        s.name = name.into();
        s.kernel.density_species = None;
        s.releases = vec![ReleaseOp::Gain(Amount { eta: 0.05, u: [1.0, 0.0, 0.0, 0.0] })];
        s
    }

    #[test]
    fn rename_updates_every_reference() {
        let mut a = named("a");
        a.kernel.density_species = Some("b".into());
        a.releases.push(ReleaseOp::EmissionGain {
            species: "b".into(),
            amount: Amount { eta: 1.0, u: [1.0, 0.0, 0.0, 0.0] },
        });
        let mut b = named("b");
        b.kernel.density_species = Some("b".into());
        b.releases.push(ReleaseOp::Cascade { species: "b".into(), chi: 0.5, transform: IDENTITY });
        b.releases.push(ReleaseOp::Cascade { species: "a".into(), chi: 0.5, transform: IDENTITY });
        let mut list = vec![a, b];
        rename_species(&mut list, 1, "  beta ").expect("a fresh name is accepted");
        assert_eq!(list[1].name, "beta");
        assert_eq!(list[0].kernel.density_species.as_deref(), Some("beta"));
        assert_eq!(list[1].kernel.density_species.as_deref(), Some("beta"));
        assert!(
            matches!(&list[0].releases[1], ReleaseOp::EmissionGain { species, .. } if species == "beta")
        );
        assert!(
            matches!(&list[1].releases[1], ReleaseOp::Cascade { species, .. } if species == "beta")
        );
        // References to other species are untouched.
        assert!(
            matches!(&list[1].releases[2], ReleaseOp::Cascade { species, .. } if species == "a")
        );
    }

    #[test]
    fn rename_refuses_bad_names() {
        let mut list = vec![named("a"), named("b")];
        assert!(rename_species(&mut list, 0, "   ").is_err());
        assert!(rename_species(&mut list, 0, "b").is_err());
        assert!(rename_species(&mut list, 5, "c").is_err());
        assert_eq!(list[0].name, "a");
        assert!(rename_species(&mut list, 0, "a").is_ok());
    }

    #[test]
    fn remove_drops_references() {
        let mut a = named("a");
        a.kernel.density_species = Some("b".into());
        a.releases.push(ReleaseOp::Cascade { species: "b".into(), chi: 1.0, transform: IDENTITY });
        let b = named("b");
        let mut list = vec![a, b];
        assert_eq!(remove_species(&mut list, 1), 2);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].kernel.density_species, None);
        assert_eq!(list[0].releases.len(), 1);
        assert_eq!(remove_species(&mut list, 7), 0);
    }

    #[test]
    fn duplicates_get_unique_names() {
        let mut list = vec![named("a")];
        assert_eq!(duplicate_species(&mut list, 0), 1);
        assert_eq!(duplicate_species(&mut list, 0), 2);
        assert_eq!(list[1].name, "a copy");
        assert_eq!(list[2].name, "a copy 2");
        assert_eq!(duplicate_species(&mut list, 9), 9);
        assert_eq!(list.len(), 3);
        assert_eq!(unique_name(&list, "species"), "species");
    }
}

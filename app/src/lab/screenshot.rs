//! Saving what the window shows as a PNG (F12, or `nvlab --screenshot PATH`).

use std::path::Path;

use eframe::egui::ColorImage;

/// Writes `image` to `path` as an 8-bit RGBA PNG, atomically (a temporary file, then a rename).
pub fn save_png(image: &ColorImage, path: &Path) -> anyhow::Result<()> {
    let [w, h] = image.size;
    let mut bytes = Vec::with_capacity(w * h * 4);
    for c in &image.pixels {
        bytes.extend_from_slice(&c.to_srgba_unmultiplied());
    }
    let tmp = path.with_extension("png.tmp");
    {
        let file = std::fs::File::create(&tmp)?;
        let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w as u32, h as u32);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header()?;
        writer.write_image_data(&bytes)?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Whether every pixel of `image` has the same colour (a blank window).
pub fn is_blank(image: &ColorImage) -> bool {
    image.pixels.first().is_none_or(|first| image.pixels.iter().all(|p| p == first))
}

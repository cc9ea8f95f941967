"""The compression study's tables (markdown), generated from its ``metrics.json`` (``tools/docs_tables.py``)."""

from __future__ import annotations

__all__ = ["recall_table", "choice_table"]


def _cell(m: dict, key: str, j: int, loss: str | None = None, digits: int = 3) -> str:
    v = m[key] if loss is None else m[key][loss]
    ci = m.get(f"{key}_ci95")
    ci = (ci if loss is None else ci.get(loss)) if ci is not None else None
    x = v[j]
    c = ci[j] if ci is not None else None
    return f"{x:.{digits}f} ± {c:.{digits}f}" if c is not None and c == c else f"{x:.{digits}f}"


def recall_table(m: dict) -> str:
    """Per latent size: recall of fitted / novel concepts for the head and each loss, then PSNR and SSIM."""
    losses = list(m["losses"])
    seeds = ",".join(map(str, m["seeds"]))
    lines = [f"| latent size (seeds {seeds}) | head, fitted | head, novel | "
             + " | ".join(f"AE {x}, fitted / novel" for x in losses) + " |",
             "|---|---|---|" + "---|" * len(losses)]
    for j, d in enumerate(m["sizes"]):
        cells = [_cell(m, "head_recall_fitted", j), _cell(m, "head_recall_novel", j)]
        cells += [f"{_cell(m, 'autoencoder_recall_fitted', j, x)} / {_cell(m, 'autoencoder_recall_novel', j, x)}"
                  for x in losses]
        lines.append(f"| {d} | " + " | ".join(cells) + " |")
    lines += ["", "| latent size | head PSNR (dB) / SSIM | " + " | ".join(f"AE {x} PSNR / SSIM" for x in losses)
              + " | head novelty AUC | " + " | ".join(f"AE {x} novelty AUC" for x in losses) + " |",
              "|---|---|" + "---|" * (2 * len(losses) + 1)]
    for j, d in enumerate(m["sizes"]):
        cells = [f"{_cell(m, 'head_psnr_db', j, digits=1)} / {_cell(m, 'head_ssim', j, digits=2)}"]
        cells += [f"{_cell(m, 'autoencoder_psnr_db', j, x, 1)} / {_cell(m, 'autoencoder_ssim', j, x, 2)}"
                  for x in losses]
        cells += [_cell(m, "head_novelty_auc", j)] + [_cell(m, "autoencoder_novelty_auc", j, x) for x in losses]
        lines.append(f"| {d} | " + " | ".join(cells) + " |")
    refs = [f"{ref.replace('_', ' ')} {m[f'{ref}_recall_fitted']:.3f} ± {m[f'{ref}_recall_fitted_ci95']:.3f} / "
            f"{m[f'{ref}_recall_novel']:.3f} ± {m[f'{ref}_recall_novel_ci95']:.3f}"
            for ref in ("backbone_features", "pixels")]
    lines += ["", f"References (no trained latent, fitted / novel): {'; '.join(refs)}; chance "
                  f"{m['chance_recall_at_1']:.2f}."]
    return "\n".join(lines)


def choice_table(m: dict) -> str:
    """The knees and the loss (chosen on ``choice.seeds``) and their numbers on the reported seeds."""
    c, own = m["choice"], m.get("choice_on_these_seeds", m["choice"])
    h, b = m["head_at_knee"], m["best_loss_at_knee"]
    chosen, seeds = ",".join(map(str, c["seeds"])), ",".join(map(str, m["seeds"]))

    def pm(r, k, digits=3):
        c = r.get(f"{k}_ci95")
        return f"{r[k]:.{digits}f} ± {c:.{digits}f}" if c is not None and c == c else f"{r[k]:.{digits}f}"

    def nums(r):
        return " | ".join(pm(r, k, 1 if k == "psnr_db" else 3)
                          for k in ("recall_fitted", "recall_novel", "psnr_db", "ssim", "novelty_auc"))

    return "\n".join([
        f"| latent (chosen on seeds {chosen}) | size | recall fitted | recall novel | PSNR (dB) | SSIM | novelty AUC |",
        "|---|---|---|---|---|---|---|",
        f"| supervised head at its knee | {h['size']} | {nums(h)} |",
        f"| autoencoder, best loss `{c['best_loss']}` at the knee | {b['size']} | {nums(b)} |",
        "",
        f"Numbers: mean ± 95 % t-interval over seeds {seeds}. The same rule applied to seeds {seeds} themselves "
        f"would pick head {own['knee_head_fitted']}, autoencoder {own['knee_autoencoder_any_loss']} dims with "
        f"`{own['best_loss']}`."])

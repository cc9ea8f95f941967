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

    lines = _paired_lines(m, h["size"], b["size"], c["best_loss"])
    return "\n".join([
        f"| latent (chosen on seeds {chosen}) | size | recall fitted | recall novel | PSNR (dB) | SSIM | novelty AUC |",
        "|---|---|---|---|---|---|---|",
        f"| supervised head at its knee | {h['size']} | {nums(h)} |",
        f"| autoencoder, best loss `{c['best_loss']}` at the knee | {b['size']} | {nums(b)} |",
        "",
        f"Numbers: mean ± 95 % t-interval over seeds {seeds}. The same rule applied to seeds {seeds} themselves "
        f"would pick head {own['knee_head_fitted']}, autoencoder {own['knee_autoencoder_any_loss']} dims with "
        f"`{own['best_loss']}`.", *lines])


def _paired_lines(m: dict, head_size: int, ae_size: int, best: str) -> list[str]:
    """Paired differences over seeds (mean ± 95 % t-interval): head minus the best loss, the best loss minus each."""
    import numpy as np

    from neuromem.analysis.statistics import t_ci95

    per = m.get("per_seed", {})
    if len(per) < 2:
        return []
    jh, ja = m["sizes"].index(head_size), m["sizes"].index(ae_size)

    def diff(fn):
        v = np.array([fn(r) for r in per.values()], dtype=float)
        return f"{v.mean():+.3f} ± {t_ci95(v):.3f}"

    out = ["", f"Paired over seeds (each seed's own split): head at {head_size} minus `{best}` at {ae_size} dims, "
               f"fitted {diff(lambda r: r['head']['recall_fitted'][jh] - r['autoencoder'][best]['recall_fitted'][ja])}"
               f", novel {diff(lambda r: r['head']['recall_novel'][jh] - r['autoencoder'][best]['recall_novel'][ja])}"
               f"; at {ae_size} dims, `{best}` minus each other loss (mean of fitted and novel recall): "
               + ", ".join(f"`{x}` " + diff(lambda r, x=x: (r['autoencoder'][best]['recall_fitted'][ja]
                                                           + r['autoencoder'][best]['recall_novel'][ja]
                                                           - r['autoencoder'][x]['recall_fitted'][ja]
                                                           - r['autoencoder'][x]['recall_novel'][ja]) / 2)
                           for x in m["losses"] if x != best) + "."]
    return out

"""Training the understanding model end to end on a tiny corpus and bank with the hashing fake embedder, and
the model folder's checks (checksum, fingerprints)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.bank import bank_fingerprint
from app.corpus import load_corpus
from app.embedding import HashingEmbedder
from app.gazetteer import Gazetteer
from app.index import build_index
from app.model import ModelError, load_model, save_model
from app.ranker import FEATURES
from app.training import train
from app.understand import Understander

TINY_BANK = Path(__file__).parent / "data" / "tiny_bank"


@pytest.fixture(scope="module")
def trained(tiny_corpus_dir, tmp_path_factory):
    corpus = load_corpus(tiny_corpus_dir)
    embedder = HashingEmbedder()
    root = tmp_path_factory.mktemp("tiny-index")
    index = build_index(corpus, embedder, root=root)
    model, manifest = train(corpus, embedder, index, cache_dir=root, bank_dir=TINY_BANK)
    folder = root / "model"
    save_model(model, folder, manifest)
    expect = {"embedder": embedder.name, "bank_fingerprint": bank_fingerprint(TINY_BANK),
              "corpus_fingerprint": corpus.fingerprint}
    return {"corpus": corpus, "embedder": embedder, "model": model, "manifest": manifest, "folder": folder,
            "expect": expect}


def test_every_head_and_the_ranker_are_trained(trained):
    model = trained["model"]
    for head in ("route", "table_op", "by", "asks", "reason", "section", "followup", "year_mode", "keep_op"):
        assert head in model.heads, head
    assert set(model.heads["route"].classes) == {"table", "era", "meta", "passage", "unanswerable"}
    assert len(model.bank_gold) == len(model.bank_vectors) == len(model.bank_routes) == 35
    assert sum(bool(g) for g in model.bank_gold) == 13  # the passage questions that stand alone
    assert 0.0 <= model.calibrator.threshold <= 1.0
    figures = trained["manifest"]["figures"]
    assert figures["route"]["n"] == 35 and "oof_hit@1" in figures["ranker"]


def test_saved_model_loads_and_predicts_the_same(trained):
    loaded = load_model(trained["folder"], trained["expect"])
    corpus, embedder = trained["corpus"], trained["embedder"]
    embed = lambda text: embedder.embed_queries([text])[0]  # noqa: E731
    before = Understander(corpus, Gazetteer(corpus), trained["model"], embed).understand("first tie?", "en")
    after = Understander(corpus, Gazetteer(corpus), loaded, embed).understand("first tie?", "en")
    assert before.query.to_label() == after.query.to_label() and before.query.route == "table"
    assert before.query.confidence == pytest.approx(after.query.confidence, abs=1e-3)
    for name, head in loaded.heads.items():
        assert np.allclose(head.bias, trained["model"].heads[name].bias, atol=1e-3)


def test_a_changed_bank_or_a_damaged_file_is_not_used(trained, tmp_path):
    with pytest.raises(ModelError, match="bank fingerprint"):
        load_model(trained["folder"], {**trained["expect"], "bank_fingerprint": "other"})
    with pytest.raises(ModelError, match="other features"):  # a model of an older version of the app
        load_model(trained["folder"], trained["expect"], ranker_features=("dense_own",))
    assert load_model(trained["folder"], trained["expect"], ranker_features=FEATURES).ranker.features == FEATURES
    copy = tmp_path / "model"
    save_model(trained["model"], copy, trained["manifest"])
    (copy / "model.npz").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="corrupted"):
        load_model(copy, trained["expect"])
    with pytest.raises(ModelError, match="no trained model"):
        load_model(tmp_path / "nowhere", trained["expect"])


def test_the_listwise_ranker_learns_what_marks_the_gold_sentence():
    """Each question's candidates compete in one softmax; the feature that marks the gold sentence wins."""
    from app.training import _fit_ranker

    rng = np.random.default_rng(0)
    rows, labels, golds = [], [], []
    for _ in range(80):
        matrix = rng.normal(size=(25, len(FEATURES)))
        gold = int(rng.integers(25))
        matrix[gold, 3] += 3.0
        rows.append(matrix)
        labels.append(np.eye(25)[gold])
        golds.append(gold)
    ranker = _fit_ranker(rows, labels)
    assert int(np.argmax(np.abs(ranker.weights))) == 3 and ranker.weights[3] > 0
    probabilities = ranker.proba(rows[0])
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert np.mean([np.argmax(ranker.proba(r)) == g for r, g in zip(rows, golds)]) > 0.8

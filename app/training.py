"""Train the understanding model from the question bank (run by scripts/train.py, or on first use of an
embedder that has no trained model).

1. Every bank question is embedded and its mentions found; names are masked for the word features.
2. One logistic regression per head (route, operation, grouping, attributes, passage answer type, reason,
   sister-city filter, year use, follow-up, keep-the-operation, section, yes-or-no), on word/character n-grams,
   the embedding and mention indicators.
3. Out-of-fold predictions (grouped by paraphrase group) feed the sentence ranker and the abstention
   thresholds, so neither is fitted on a question's own predictions.
4. The ranker: a listwise linear model over (question, sentence) features, doc2query cross-fitted by fold.
5. Calibration: P(right) from the route's and the ranker's out-of-fold confidence; the least confident
   answers are refused, up to a set share of the answerable ones.
"""
from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from scipy import sparse
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from app.bank import BANK_DIR, BankQuestion, bank_files, bank_fingerprint, load_bank
from app.corpus import Corpus
from app.embedding import Embedder
from app.features import Featurizer, dense_features, masked_text, mention_vector
from app.finglish import FinglishReader
from app.gazetteer import Gazetteer, Mentions
from app.index import SearchIndex
from app.model import (CONFIDENCE_FEATURES, Calibrator, Head, Ranker, UnderstandingModel, confidence_features,
                       nearest_by_route, passage_stats, runner_up)
from app.normalize import detect_lang, words
from app.ranker import FEATURES, Doc2Query, RankQuery, SentenceTable, features, rank_query, section_class
from app.types import UNRECORDED

FOLDS = 5
MAX_REFUSED = 0.05  # the share of the bank's answerable questions (out of fold) the threshold may refuse
HEAD_C = 4.0
RANKER_L2 = 10.0  # on standardised features; 0.1–10 give the same out-of-fold hit@1
SEED = 13
Progress = Callable[[str], None]


@dataclass
class Example:
    """A bank question as the models see it."""

    question: BankQuestion
    mentions: Mentions
    masked: str
    has_context: bool
    text: str  # what the models read (app/finglish.py: Finglish in Persian script)


def known_words(questions: list[BankQuestion]) -> frozenset[str]:
    """Words the bank uses in questions the paper answers (names of places the paper lacks excluded), and
    words that three or more paraphrase groups of unanswerable questions share ("budget", "population")."""
    known: set[str] = set()
    unanswerable: dict[str, set[str]] = {}
    for q in questions:
        label = q.query
        if label.route == "unanswerable":
            if label.reason != "entity_not_in_paper":
                for word in set(words(q.question)):
                    unanswerable.setdefault(word, set()).add(q.group)
        elif not (label.filters.city or label.filters.country):
            known.update(words(q.question))
    return frozenset(known | {w for w, groups in unanswerable.items() if len(groups) >= 3})


def english_words(questions: list[BankQuestion]) -> frozenset[str]:
    """The words of the bank's English questions: what tells English from Finglish beside the paper's words."""
    return frozenset(w for q in questions if q.lang == "en" for w in words(q.question) if w.isascii())


def head_targets(examples: list[Example], corpus: Corpus) -> dict[str, list[tuple[int, str]]]:
    """For each head, (example index, class) of the examples that teach it."""
    targets: dict[str, list[tuple[int, str]]] = {name: [] for name in (
        "route", "table_op", "era_op", "by", "table_attribute", "era_attribute", "meta_attribute", "asks", "reason",
        "sister_city", "doc_filter", "year_mode", "keep_op", "section", "lang", "yesno")}
    for i, example in enumerate(examples):
        q = example.question.query
        targets["route"].append((i, q.route))
        if detect_lang(example.text) == "en":  # Latin letters: English, or Finglish the reader did not know
            targets["lang"].append((i, example.question.lang))
        if q.route != "unanswerable":  # whether a yes or no answers it; an unanswerable question has no answer
            targets["yesno"].append((i, "yes" if q.op == "membership" or q.asks == "yesno" else "no"))
        if q.route == "table":
            targets["table_op"].append((i, q.op))
            targets["sister_city"].append((i, {True: "yes", False: "no"}.get(q.filters.sister_city, "none")))
            if example.mentions.of("doc_family"):  # "agreements" may name a document type or just mean ties
                targets["doc_filter"].append((i, "yes" if q.filters.doc_family else "no"))
            if q.op == "lookup":
                targets["table_attribute"].append((i, q.attribute))
        if q.route == "era":
            targets["era_op"].append((i, q.op))
            if q.op == "lookup":
                targets["era_attribute"].append((i, q.attribute))
        if q.by:
            targets["by"].append((i, q.by))
        if q.route == "meta":
            targets["meta_attribute"].append((i, q.attribute))
        if q.route == "passage":
            targets["asks"].append((i, q.asks))
            targets["section"].append((i, section_class(corpus.sentence_by_id[q.gold[0]])))
        if q.route == "unanswerable":
            targets["reason"].append((i, q.reason))
            if q.reason == "attribute_not_recorded" and any(m.entity.rows for m in example.mentions.found
                                                            if m.entity.kind in ("city", "country")):
                targets["table_attribute"].append((i, UNRECORDED))  # asked of a tie, but not in Table 2
        mode = year_mode(example)
        if mode:
            targets["year_mode"].append((i, mode))
        if q.followup and example.question.context:
            before = example.question.context[-1][1]
            if before.route in ("table", "era") and q.route in ("table", "era"):
                same = (q.op, q.by, q.attribute) == (before.op, before.by, before.attribute)
                targets["keep_op"].append((i, "yes" if same else "no"))
    return targets


def year_mode(example: Example) -> str | None:
    """How the label uses the years the question writes: in, range, after, since, before or until."""
    f = example.question.query.filters
    span = example.mentions.year_span()
    if span is None or (f.year_from is None and f.year_to is None):
        return None
    start, end, _ = span
    if f.year_from is not None and f.year_to is not None:
        return "in" if (f.year_from, f.year_to) == (start, end) else "range"
    if f.year_from is not None:
        return {end + 1: "after", start: "since"}.get(f.year_from)
    return {start - 1: "before", end: "until"}.get(f.year_to)


def follow_up_examples(examples: list[Example], rng: random.Random) -> list[tuple[int, str, bool]]:
    """(example, label, has_context) for the follow-up head: real conversations, plus questions that do not
    depend on what came before, put after a random earlier question (the answer is "no")."""
    rows = [(i, "yes" if e.question.query.followup else "no", True) for i, e in enumerate(examples)
            if e.has_context]
    standalone = [i for i, e in enumerate(examples) if not e.has_context]
    for i in rng.sample(standalone, min(len(standalone), max(300, 2 * len(rows)))):
        rows.append((i, "no", True))
    return rows


def fit_head(name: str, x_sparse: sparse.csr_matrix, x_dense: np.ndarray, labels: list[str]) -> Head:
    """A multinomial logistic regression; a two-class head is stored as two opposite columns."""
    matrix = sparse.hstack([x_sparse, sparse.csr_matrix(x_dense)], format="csr")
    classifier = LogisticRegression(C=HEAD_C, max_iter=3000)
    classifier.fit(matrix, labels)
    coef, bias = classifier.coef_, classifier.intercept_
    if coef.shape[0] == 1:
        coef, bias = np.vstack([-coef / 2, coef / 2]), np.array([-bias[0] / 2, bias[0] / 2])
    split = x_sparse.shape[1]
    return Head(name, tuple(map(str, classifier.classes_)), coef[:, :split].T.astype(np.float32),
                coef[:, split:].T.astype(np.float32), bias.astype(np.float32))


def train(corpus: Corpus, embedder: Embedder, index: SearchIndex,
          progress: Progress | None = None, cache_dir: Path | None = None,
          bank_dir: Path = BANK_DIR) -> tuple[UnderstandingModel, dict]:
    """Train every part of the model; returns it with its manifest (fingerprints and figures)."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    rng = random.Random(SEED)
    questions = load_bank(corpus, bank_files(bank_dir))
    gazetteer = Gazetteer(corpus)
    vocabulary = known_words(questions)
    folds = _folds([q.group for q in questions])
    # A word is "unknown" to a question when the rest of the bank (the other folds) never uses it, as it would
    # be for a new question: built from the whole bank, every bank word would look known in training.
    fold_vocabulary = [known_words([q for q, f in zip(questions, folds) if f != k]) for k in range(FOLDS)]
    english = english_words(questions)
    reader = FinglishReader.for_corpus(corpus, vocabulary, english)  # as understanding builds it from the model
    examples = []
    for q, fold in zip(questions, folds):
        text = reader.reading(q.question)
        mentions = gazetteer.find(text, fold_vocabulary[fold])
        examples.append(Example(q, mentions, masked_text(mentions), bool(q.context), text))
    vectors = embed_bank(embedder, [e.text for e in examples], say, cache_dir)
    featurizer = Featurizer()
    x_sparse = featurizer.sparse([e.masked for e in examples])
    mentions_plain = np.stack([mention_vector(e.mentions, e.has_context) for e in examples])
    routes = np.array([e.question.query.route for e in examples])
    similarities = vectors @ vectors.T
    nearest = np.stack([nearest_by_route(similarities[i], routes, exclude=folds == folds[i])
                        for i in range(len(examples))])  # cross-fitted: a question's own fold is hidden
    x_dense = dense_features(vectors, mentions_plain, nearest)
    targets = head_targets(examples, corpus)
    say("Training the heads…")
    heads, figures, oof = {}, {}, {}
    for name, pairs in targets.items():
        if not pairs:  # a small bank may teach no example of a head (understanding then does without it)
            continue
        rows = [i for i, _ in pairs]
        heads[name], figures[name], probabilities = _head_with_cv(name, x_sparse[rows], x_dense[rows],
                                                                  [c for _, c in pairs], folds[rows])
        oof[name] = dict(zip(rows, probabilities))
    follow = follow_up_examples(examples, rng)
    rows = [i for i, _, _ in follow]
    dense_follow = dense_features(vectors[rows], np.stack([mention_vector(examples[i].mentions, True) for i in rows]),
                                  nearest[rows])
    heads["followup"], figures["followup"], _ = _head_with_cv("followup", x_sparse[rows], dense_follow,
                                                              [c for _, c, _ in follow], folds[rows])
    say("Training the sentence ranker…")
    table = SentenceTable(corpus, gazetteer, index)
    passage = [i for i, e in enumerate(examples) if e.question.query.route == "passage"]
    d2q_rows = [i for i in passage if not examples[i].question.query.followup]
    doc2query = Doc2Query(table, vectors[d2q_rows], [examples[i].question.query.gold for i in d2q_rows])
    # doc2query is cross-fitted over random folds: a question never sees itself, but, as a new wording of a
    # known question would, it sees most of its paraphrases
    d2q_fold = np.array([rng.randrange(FOLDS) for _ in d2q_rows])
    own_fold = {row: fold for row, fold in zip(d2q_rows, d2q_fold)}
    rank_rows, rank_labels, rank_owner = [], [], []
    for i in passage:
        example = examples[i]
        query = example_rank_query(example, vectors[i], oof["asks"].get(i, {}), oof["section"].get(i, {}))
        exclude = d2q_fold == own_fold[i] if i in own_fold else None
        rows = features(table, query, doc2query.scores(vectors[i], exclude=exclude))
        gold = {table.index[g] for g in example.question.query.gold if g in table.index}
        rank_rows.append(rows)
        rank_labels.append(np.array([j in gold for j in range(len(rows))], dtype=int))
        rank_owner.append(i)
    paragraphs = [s.paragraph for s in table.sentences]
    ranker, ranker_figures, oof_stats = _ranker_with_cv(rank_rows, rank_labels, folds[rank_owner], paragraphs)
    figures["ranker"] = ranker_figures
    stats = dict(zip(rank_owner, oof_stats))
    for i, example in enumerate(examples):  # questions of other routes that the router would send to passages
        route = oof["route"].get(i) or {}
        if i not in stats and route and max(route, key=route.get) == "passage":
            u_scores = {name: heads[name].predict(x_sparse[i], x_dense[i:i + 1])[0] for name in ("asks", "section")}
            query = example_rank_query(example, vectors[i], u_scores["asks"], u_scores["section"])
            probabilities = ranker.proba(features(table, query, doc2query.scores(vectors[i])))
            stats[i] = (*passage_stats(probabilities, paragraphs), False)
    calibrator, figures["abstention"] = fit_calibrator(examples, oof["route"], stats)
    d2q_set = set(d2q_rows)
    model = UnderstandingModel(heads, ranker, vectors,
                               [examples[i].question.query.gold if i in d2q_set else () for i in range(len(examples))],
                               list(routes), vocabulary, calibrator, english)
    manifest = {"embedder": embedder.name, "bank_fingerprint": bank_fingerprint(bank_dir),
                "corpus_fingerprint": corpus.fingerprint, "bank_questions": len(examples),
                "train_seconds": round(time.perf_counter() - started, 1), "figures": figures}
    say(f"Trained in {time.perf_counter() - started:.0f} s.")
    return model, manifest


def embed_bank(embedder: Embedder, texts: list[str], say: Progress, cache_dir: Path | None = None) -> np.ndarray:
    """Query vectors of the bank's questions, reusing those of an earlier training (`index/bank-vectors/`)."""
    from app.index import INDEX_DIR, index_path

    # beside the index folder, not in it: a rebuilt index must not throw the bank's vectors away
    cache = index_path(embedder.name, Path(cache_dir or INDEX_DIR) / "bank-vectors") / "bank-vectors.npz"
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        try:
            with np.load(cache, allow_pickle=False) as data:
                known = dict(zip(map(str, data["texts"]), data["vectors"]))
        except (OSError, ValueError, KeyError):
            known = {}
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        say(f"Embedding {len(missing)} bank questions with {embedder.name}…")
        known.update(zip(missing, embedder.embed_queries(missing).astype(np.float32)))
        cache.parent.mkdir(parents=True, exist_ok=True)
        temp = cache.with_suffix(".tmp.npz")
        np.savez(temp, texts=np.array(list(known)), vectors=np.stack(list(known.values())))
        temp.replace(cache)
    return np.stack([known[t] for t in texts]).astype(np.float32)


def example_rank_query(example: Example, vector: np.ndarray, asks: dict, sections: dict) -> RankQuery:
    """The ranker's view of a bank question; a follow-up to a passage answer has that answer's gold as context."""
    q = example.question
    context: tuple[str, ...] = ()
    if q.query.followup and q.context and q.context[-1][1].route == "passage":
        context = q.context[-1][1].gold
    return rank_query(vector, example.text, q.lang, asks, sections, example.mentions, context)


def _folds(groups: list[str]) -> np.ndarray:
    """A fold per question; paraphrases (one group) share their fold."""
    out = np.zeros(len(groups), dtype=int)
    for fold, (_, test) in enumerate(GroupKFold(n_splits=FOLDS).split(groups, groups=groups)):
        out[test] = fold
    return out


def _head_with_cv(name, x_sparse, x_dense, labels, folds) -> tuple[Head, dict, list[dict[str, float]]]:
    """Fit on everything; report out-of-fold accuracy (grouped folds) and return the out-of-fold probabilities."""
    labels = np.array(labels)
    oof: list[dict[str, float]] = [{} for _ in labels]
    if len(set(labels)) < 2:  # one class only (a tiny bank): a constant head
        head = Head(name, (str(labels[0]),), np.zeros((x_sparse.shape[1], 1), np.float32),
                    np.zeros((x_dense.shape[1], 1), np.float32), np.zeros(1, np.float32))
        return head, {"n": len(labels), "classes": dict(Counter(labels.tolist())), "cv_accuracy": None}, oof
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        if not test.any() or len(set(labels[train])) < 2:
            continue
        head = fit_head(name, x_sparse[train], x_dense[train], list(labels[train]))
        for k, probabilities in zip(np.flatnonzero(test), head.predict(x_sparse[test], x_dense[test])):
            oof[k] = probabilities
    counted = [k for k in range(len(labels)) if oof[k]]
    correct = sum(max(oof[k], key=oof[k].get) == labels[k] for k in counted)
    figure = {"n": len(labels), "classes": dict(Counter(labels.tolist())),
              "cv_accuracy": round(correct / len(counted), 3) if counted else None}
    return fit_head(name, x_sparse, x_dense, list(labels)), figure, oof


def _fit_ranker(rows: list[np.ndarray], labels: list[np.ndarray]) -> Ranker:
    """Weights that maximise the softmax probability of each question's gold sentences among all sentences
    (listwise; out of fold it ranks a gold sentence first more often than a per-sentence logistic regression:
    0.80 against 0.77 of the bank's passage questions)."""
    kept = [k for k in range(len(rows)) if labels[k].any()]
    matrix = np.vstack([rows[k] for k in kept]).astype(np.float64)  # float32 × float64 would copy per step
    mean, scale = matrix.mean(axis=0), matrix.std(axis=0)
    scale[scale == 0] = 1.0
    starts = np.cumsum([0] + [len(rows[k]) for k in kept[:-1]])
    target = np.concatenate([labels[k] for k in kept]).astype(np.float64)
    weights = _fit_listwise((matrix - mean) / scale, target, starts)
    return Ranker(FEATURES, weights.astype(np.float32), 0.0, mean.astype(np.float32), scale.astype(np.float32))


def _fit_listwise(matrix: np.ndarray, target: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """L2-penalised conditional logit: the rows from each start to the next are one question's candidates."""
    group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(matrix))))

    def loss_and_gradient(w: np.ndarray) -> tuple[float, np.ndarray]:
        scores = matrix @ w
        scores = scores - np.maximum.reduceat(scores, starts)[group]
        e = np.exp(scores)
        total, gold = np.add.reduceat(e, starts), np.add.reduceat(e * target, starts)
        loss = float(np.log(total).sum() - np.log(gold).sum()) + 0.5 * RANKER_L2 * float(w @ w)
        share = e / total[group] - e * target / gold[group]
        return loss, matrix.T @ share + RANKER_L2 * w

    return minimize(loss_and_gradient, np.zeros(matrix.shape[1]), jac=True, method="L-BFGS-B").x


def _ranker_with_cv(rows, labels, folds, paragraphs) -> tuple[Ranker, dict, list[tuple[float, float, float, bool]]]:
    """The ranker fitted on all questions, its out-of-fold hit@1/@3, and each question's out-of-fold
    (top probability, paragraph share, margin, answer right): right when the answer holds a gold sentence: the
    top one, the second when it shares the top one's paragraph (the answer reads on into it), or the runner-up
    from another paragraph."""
    out: list[tuple[float, float, float, bool]] = [(0.0, 0.0, 0.0, False)] * len(rows)
    hits1 = hits3 = 0
    for fold in range(FOLDS):
        train = [k for k in range(len(rows)) if folds[k] != fold]
        test = [k for k in range(len(rows)) if folds[k] == fold]
        if not test or not train:
            continue
        ranker = _fit_ranker([rows[k] for k in train], [labels[k] for k in train])
        for k in test:
            probability = ranker.proba(rows[k])
            order = np.argsort(-probability)
            hits1 += bool(labels[k][order[0]])
            hits3 += bool(labels[k][order[:3]].any())
            second_joins = paragraphs[order[1]] == paragraphs[order[0]] and bool(labels[k][order[1]])
            other = runner_up(probability, paragraphs)
            right = bool(labels[k][order[0]]) or second_joins or (other is not None and bool(labels[k][other]))
            out[k] = (*passage_stats(probability, paragraphs), right)
    n = max(1, len(rows))
    ranker = _fit_ranker(rows, labels)
    weights = dict(zip(FEATURES, map(lambda w: round(float(w), 3), ranker.weights)))
    return ranker, {"n": len(rows), "oof_hit@1": round(hits1 / n, 3), "oof_hit@3": round(hits3 / n, 3),
                    "weights": weights}, out


def fit_calibrator(examples: list[Example], route_oof: dict[int, dict[str, float]],
                   passage: dict[int, tuple[float, float, float, bool]]) -> tuple[Calibrator, dict]:
    """P(right) from out-of-fold route and ranker confidences, and the lowest P(right) to answer at: the most
    precise threshold (right answers among those given; any answer to an unanswerable question is wrong) that
    refuses at most MAX_REFUSED of the answerable questions. (Measured: wrong answers are mostly confident
    ones, so a stricter threshold costs many right answers for few wrong ones; see README.)"""
    matrix, right, answerable = [], [], []
    for i, example in enumerate(examples):
        route = route_oof.get(i)
        if not route:
            continue
        truth, best = example.question.query.route, max(route, key=route.get)
        if best == "unanswerable":
            continue  # refused in any case
        stats = passage.get(i)
        matrix.append(confidence_features(route, stats[:3] if best == "passage" and stats else None))
        right.append(best == truth and (truth != "passage" or bool(stats and stats[3])))
        answerable.append(truth != "unanswerable")
    matrix, right = np.array(matrix), np.array(right)
    classifier = LogisticRegression(C=1.0, max_iter=2000).fit(matrix, right)
    scores = classifier.predict_proba(matrix)[:, 1]
    n_answerable = sum(1 for e in examples if e.question.query.route != "unanswerable")
    curve, chosen = [], None
    for threshold in np.arange(0.0, 1.0, 0.02):
        given = scores >= threshold
        if not given.any():
            break
        precision = float(right[given].mean())
        refused = 1 - float((given & np.array(answerable)).sum()) / max(1, n_answerable)
        curve.append((round(float(threshold), 2), round(precision, 3), round(refused, 3)))
        if refused <= MAX_REFUSED:
            chosen = curve[-1]
    chosen = chosen or curve[0]
    calibrator = Calibrator(classifier.coef_[0].astype(np.float32), float(classifier.intercept_[0]), chosen[0])
    return calibrator, {"threshold": chosen[0], "oof_precision": chosen[1], "oof_answerable_refused": chosen[2],
                        "weights": dict(zip(CONFIDENCE_FEATURES, map(lambda w: round(float(w), 3),
                                                                      classifier.coef_[0]))),
                        "curve": curve}

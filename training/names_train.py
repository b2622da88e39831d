"""Trains the name model (pipeline/extract/names/model.py) with PyTorch on the CPU.

    python -m training.names_train [--out DIR] [--set key=value ...]

Reads training/work/names/examples.jsonl (training/names_data.py) and the
lexicon in data/models/names/ (training/names_lexicon.py); writes the best
checkpoint by mean dev F1 over the three corpora to DIR (default
training/work/names/run) as the arrays the pipeline loads, with a log of
every evaluation (train_log.jsonl).  The features come from
pipeline/extract/names/features.py itself, so training and running read the same thing.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy
import yaml

from pipeline.config import CONFIG_DIR
from pipeline.extract.names.features import Lexicon, Vocabulary, batch_features, bigram_keys, code_points
from pipeline.extract.names.model import (LEXICON_FILE, META_FILE, MODEL_FILE, allowed_transitions,
                                          join_head_names, spans_from_tags, tag_names)
from pipeline.look.evaluate import LabelScore

from .names_data import NAMES_WORK, Example, read_examples
from .names_lexicon import NAMES_MODEL_DIR

RECIPE = CONFIG_DIR / "names_model.yaml"
NAMES_RUN = NAMES_WORK / "run"
CORPORA = ("pd", "msra", "cluener")


def read_recipe(overrides: Sequence[str] = ()) -> dict:
    recipe = yaml.safe_load(RECIPE.read_text(encoding="utf-8"))
    for item in overrides:
        key, _, value = item.partition("=")
        if key not in recipe:
            raise SystemExit(f"--set {key}: not a key of {RECIPE.name}")
        recipe[key] = yaml.safe_load(value)
    return recipe


# ------------------------------------------------------------------ vocabulary


def build_vocabulary(texts: Sequence[str], char_min: int, bigram_min: int) -> Vocabulary:
    chars: Counter = Counter()
    bigrams: Counter = Counter()
    for text in texts:
        codes = code_points(text)
        chars.update(codes.tolist())
        padded = numpy.concatenate([[numpy.uint64(0)], codes, [numpy.uint64(0)]])
        bigrams.update(bigram_keys(padded).tolist())
    keep_chars = sorted(c for c, n in chars.items() if n >= char_min)
    keep_bigrams = sorted(b for b, n in bigrams.items() if n >= bigram_min)
    return Vocabulary(numpy.asarray(keep_chars, dtype="uint64"), numpy.asarray(keep_bigrams, dtype="uint64"))


# ---------------------------------------------------------------------- tensors


class Encoded:
    """One example as arrays: char ids, bigram ids, lexicon bits, tag ids."""
    __slots__ = ("example", "chars", "bigrams", "lexicon", "tags")

    def __init__(self, example: Example, features, tag_index: dict[str, int]):
        self.example = example
        self.chars = features.chars
        self.bigrams = features.bigrams
        self.lexicon = features.lexicon.astype("int64")  # fewer than 63 bits are used
        self.tags = numpy.asarray(bioes_tags(len(example.text), example.entities, tag_index), dtype="int64")


def bioes_tags(n: int, entities, tag_index: dict[str, int]) -> list[int]:
    tags = [tag_index["O"]] * n
    for start, end, label in entities:
        if end - start == 1:
            tags[start] = tag_index[f"S-{label}"]
            continue
        tags[start] = tag_index[f"B-{label}"]
        for i in range(start + 1, end - 1):
            tags[i] = tag_index[f"I-{label}"]
        tags[end - 1] = tag_index[f"E-{label}"]
    return tags


def encode(examples: Sequence[Example], vocabulary: Vocabulary, lexicon: Lexicon, tags: list[str]) -> list[Encoded]:
    tag_index = {t: i for i, t in enumerate(tags)}
    encoded = []
    for begin in range(0, len(examples), 2000):
        chunk = examples[begin:begin + 2000]
        for example, features in zip(chunk, batch_features([e.text for e in chunk], vocabulary, lexicon)):
            encoded.append(Encoded(example, features, tag_index))
    return encoded


def batches(items: list[Encoded], batch_chars: int, rng: random.Random | None) -> list[list[Encoded]]:
    """Texts of similar length together (little padding), in random order when rng is given."""
    order = sorted(range(len(items)), key=lambda i: (len(items[i].chars), rng.random() if rng else 0))
    groups, current, longest = [], [], 0
    for i in order:
        n = len(items[i].chars)
        if current and max(longest, n) * (len(current) + 1) > batch_chars:
            groups.append(current)
            current, longest = [], 0
        current.append(items[i])
        longest = max(longest, n)
    if current:
        groups.append(current)
    if rng:
        rng.shuffle(groups)
    return groups


# ------------------------------------------------------------------------ network


def head_names(recipe: dict) -> list[str]:
    """The network's CRF heads, the one exported first: with ``heads: per_corpus`` one per corpus
    convention (the encoder is shared), each example trained through its corpus's head; the
    exported head, ``decode_head``, is the one the pipeline runs."""
    if recipe.get("heads", "one") == "one":
        return ["all"]
    main = recipe.get("decode_head", "pd")
    return [main, *(corpus for corpus in CORPORA if corpus != main)]


def make_network(recipe: dict, n_chars: int, n_bigrams: int, n_lexicon: int, tags: list[str]):
    import torch
    from torch import nn

    heads = head_names(recipe)

    class NameNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = heads
            self.n_lexicon = n_lexicon
            self.char_embed = nn.Embedding(n_chars, recipe["char_dim"], padding_idx=0)
            self.bigram_embed = nn.Embedding(n_bigrams, recipe["bigram_dim"], padding_idx=0)
            width = recipe["char_dim"] + 2 * recipe["bigram_dim"] + n_lexicon
            self.lstm = nn.LSTM(width, recipe["hidden"], batch_first=True, bidirectional=True)
            self.dropout = nn.Dropout(recipe["dropout"])
            self.out = nn.Linear(2 * recipe["hidden"], len(tags))
            self.transitions = nn.Parameter(torch.zeros(len(tags), len(tags)))
            self.start = nn.Parameter(torch.zeros(len(tags)))
            self.end = nn.Parameter(torch.zeros(len(tags)))
            allowed = torch.as_tensor(allowed_transitions(tags))
            n = len(tags)
            blocked = torch.where(allowed, 0.0, -1e4)
            self.register_buffer("blocked_transitions", blocked[:n, :n].clone())
            self.register_buffer("blocked_start", blocked[n, :n].clone())
            self.register_buffer("blocked_end", blocked[:n, n].clone())
            self.register_buffer("shifts", torch.arange(n_lexicon, dtype=torch.int64))
            # the other corpora's heads, made last so that the shared part starts as a one-head network does
            n = len(tags)
            self.extra_out = nn.ModuleList([nn.Linear(2 * recipe["hidden"], n) for _ in heads[1:]])
            self.extra_transitions = nn.Parameter(torch.zeros(len(heads) - 1, n, n))
            self.extra_start = nn.Parameter(torch.zeros(len(heads) - 1, n))
            self.extra_end = nn.Parameter(torch.zeros(len(heads) - 1, n))

        def head_index(self, corpora: Sequence[str]):
            """Each example's head: its corpus's, or the one head."""
            if len(self.heads) == 1:
                return None
            return torch.as_tensor([self.heads.index(corpus) for corpus in corpora])

        def emissions(self, chars, bigrams, lexicon, lengths, head=None):
            """Tag scores from the exported head, or from each example's head (``head``: head_index)."""
            return self.head_emissions(self.encoded(chars, bigrams, lexicon, lengths), head)

        def head_emissions(self, hidden, head=None):
            """Tag scores of encoded texts through the exported head or each text's head."""
            if head is None:
                return self.out(hidden)
            every = torch.stack([self.out(hidden), *(out(hidden) for out in self.extra_out)])
            return every[head, torch.arange(hidden.shape[0])]

        def encoded(self, chars, bigrams, lexicon, lengths):
            left, right = bigrams[:, :-1], bigrams[:, 1:]
            lexicon_matrix = ((lexicon.unsqueeze(-1) >> self.shifts) & 1).float()
            x = torch.cat([self.char_embed(chars), self.bigram_embed(left), self.bigram_embed(right),
                           lexicon_matrix], dim=-1)
            x = self.dropout(x)
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            hidden, _ = self.lstm(packed)
            hidden, _ = nn.utils.rnn.pad_packed_sequence(hidden, batch_first=True, total_length=chars.shape[1])
            return self.dropout(hidden)

        def crf_parts(self):
            return (self.transitions + self.blocked_transitions, self.start + self.blocked_start,
                    self.end + self.blocked_end)

        def batch_crf_parts(self, batch: int, head=None):
            """Transitions [B,K,K], start and end [B,K]: the exported head's, or each example's head's."""
            transitions, start, end = self.crf_parts()
            if head is None:
                return transitions.expand(batch, -1, -1), start.expand(batch, -1), end.expand(batch, -1)
            every_transitions = torch.cat([transitions.unsqueeze(0), self.extra_transitions + self.blocked_transitions])
            every_start = torch.cat([start.unsqueeze(0), self.extra_start + self.blocked_start])
            every_end = torch.cat([end.unsqueeze(0), self.extra_end + self.blocked_end])
            return every_transitions[head], every_start[head], every_end[head]

        def loss(self, emissions, tags, mask, head=None):
            batch, steps, _ = emissions.shape
            transitions, start, end = self.batch_crf_parts(batch, head)
            score = start + emissions[:, 0]
            for t in range(1, steps):
                stepped = torch.logsumexp(score.unsqueeze(2) + transitions, dim=1) + emissions[:, t]
                score = torch.where(mask[:, t:t + 1], stepped, score)
            log_partition = torch.logsumexp(score + end, dim=1)
            gold = start.gather(1, tags[:, :1]).squeeze(1) \
                + emissions.gather(2, tags.unsqueeze(2)).squeeze(2).masked_fill(~mask, 0).sum(1)
            rows = torch.arange(batch).unsqueeze(1)
            pair = transitions[rows, tags[:, :-1], tags[:, 1:]].masked_fill(~mask[:, 1:], 0).sum(1)
            last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
            gold = gold + pair + end.gather(1, last.unsqueeze(1)).squeeze(1)
            return (log_partition - gold).sum() / mask.sum()

        def decode(self, emissions, lengths, head=None):
            batch, steps, _ = emissions.shape
            transitions, start, end = self.batch_crf_parts(batch, head)
            score = start + emissions[:, 0]
            back = []
            for t in range(1, steps):
                best, index = (score.unsqueeze(2) + transitions).max(dim=1)
                running = (t < lengths).unsqueeze(1)
                score = torch.where(running, best + emissions[:, t], score)
                back.append(index)
            paths = []
            final = (score + end).argmax(dim=1).tolist()
            back_arrays = [b.numpy() for b in back]
            for b, n in enumerate(lengths.tolist()):
                tag = final[b]
                path = [tag]
                for t in range(n - 1, 0, -1):
                    tag = int(back_arrays[t - 1][b, tag])
                    path.append(tag)
                paths.append(path[::-1])
            return paths

    return NameNetwork()


def to_tensors(batch: list[Encoded], rng: random.Random | None, recipe: dict):
    import torch

    steps = max(len(e.chars) for e in batch)
    chars = numpy.zeros((len(batch), steps), dtype="int64")
    bigrams = numpy.zeros((len(batch), steps + 1), dtype="int64")
    lexicon = numpy.zeros((len(batch), steps), dtype="int64")
    tags = numpy.zeros((len(batch), steps), dtype="int64")
    for b, item in enumerate(batch):
        n = len(item.chars)
        chars[b, :n] = item.chars
        bigrams[b, :n + 1] = item.bigrams
        lexicon[b, :n] = item.lexicon
        tags[b, :n] = item.tags
    if rng is not None:  # unknown-id dropout: the model must also name what it has not seen
        noise = numpy.random.default_rng(rng.randrange(1 << 30))
        chars[(noise.random(chars.shape) < recipe["char_unknown_rate"]) & (chars > 0)] = 1
        bigrams[(noise.random(bigrams.shape) < recipe["bigram_unknown_rate"]) & (bigrams > 0)] = 1
    lengths = torch.as_tensor([len(e.chars) for e in batch])
    mask = torch.arange(steps).unsqueeze(0) < lengths.unsqueeze(1)
    return (torch.as_tensor(chars), torch.as_tensor(bigrams), torch.as_tensor(lexicon), torch.as_tensor(tags),
            lengths, mask)


# --------------------------------------------------------------------- scoring


def _prf(score: LabelScore) -> dict:
    return {"p": round(score.precision, 4), "r": round(score.recall, 4), "f": round(score.f1, 4)}


def score_spans(gold: Sequence[set], found: Sequence[set], labels: Sequence[str]) -> dict:
    """Exact-span precision, recall and F1 per label and over all, counted as the project's
    evaluator counts them (pipeline/look/evaluate.py's LabelScore)."""
    result = {"per_label": {}}
    for label in labels:
        tp = sum(len({x for x in g if x[2] == label} & {x for x in f if x[2] == label}) for g, f in zip(gold, found))
        n_found = sum(1 for f in found for x in f if x[2] == label)
        n_gold = sum(1 for g in gold for x in g if x[2] == label)
        result["per_label"][label] = _prf(LabelScore(label, tp=tp, fp=n_found - tp, fn=n_gold - tp))
    tp = sum(len(g & f) for g, f in zip(gold, found))
    result["overall"] = _prf(LabelScore("ALL", tp=tp, fp=sum(map(len, found)) - tp, fn=sum(map(len, gold)) - tp))
    return result


def evaluate(network, items: list[Encoded], tags: list[str], labels: Sequence[str], recipe: dict,
             own_head: bool = False, added: dict[str, Sequence[str]] | None = None) -> dict:
    """Scores of the exported head, or with ``own_head`` of each example's corpus's head; ``added``
    ({head: labels}) joins other heads' names as the pipeline does (the recipe's add_from_heads)."""
    import torch

    network.eval()
    gold, found = [], []
    with torch.no_grad():
        for batch in batches(items, 8000, None):
            chars, bigrams, lexicon, _tags, lengths, _mask = to_tensors(batch, None, recipe)
            hidden = network.encoded(chars, bigrams, lexicon, lengths)
            head = network.head_index([item.example.corpus for item in batch]) if own_head else None
            names = _decoded_names(network, hidden, lengths, head, tags)
            for name, wanted in (added or {}).items():
                if name in network.heads:
                    more = _decoded_names(network, hidden, lengths, network.head_index([name] * len(batch)), tags)
                    for entities, extra in zip(names, more):
                        join_head_names(entities, extra, frozenset(wanted))
            for item, entities in zip(batch, names):
                gold.append(set(item.example.entities))
                found.append(set(entities))
    network.train()
    return score_spans(gold, found, labels)


def _decoded_names(network, hidden, lengths, head, tags: list[str]) -> list[list]:
    """The names of each text through one head (None: the exported one) or a head per text."""
    paths = network.decode(network.head_emissions(hidden, head), lengths, head)
    return [spans_from_tags([tags[t] for t in path]) for path in paths]


# ---------------------------------------------------------------------- export


def export(network, vocabulary: Vocabulary, recipe: dict, tags: list[str], out: Path, extra_meta: dict,
           lexicon_dir: Path = NAMES_MODEL_DIR) -> None:
    """The arrays pipeline.extract.names.model.NameModel loads (embeddings as float16: half the size, same tags)."""
    state = {k: v.detach().numpy() for k, v in network.state_dict().items()}
    arrays = {
        "vocab_chars": vocabulary.chars, "vocab_bigrams": vocabulary.bigrams,
        "char_embed": state["char_embed.weight"].astype("float16"),
        "bigram_embed": state["bigram_embed.weight"].astype("float16"),
        "out_w": state["out.weight"], "out_b": state["out.bias"],
        "transitions": state["transitions"], "start": state["start"], "end": state["end"],
    }
    for index, head in enumerate(network.heads[1:]):  # the other corpora's heads, for a decoder that combines them
        arrays[f"head_{head}_out_w"] = state[f"extra_out.{index}.weight"]
        arrays[f"head_{head}_out_b"] = state[f"extra_out.{index}.bias"]
        for part in ("transitions", "start", "end"):
            arrays[f"head_{head}_{part}"] = state[f"extra_{part}"][index]
    for direction, suffix in (("forward", ""), ("backward", "_reverse")):
        for part in ("w_ih", "w_hh", "b_ih", "b_hh"):
            kind, matrix = part.split("_")
            name = f"{'weight' if kind == 'w' else 'bias'}_{matrix}_l0{suffix}"
            arrays[f"{direction}_{part}"] = state[f"lstm.{name}"]
    out.mkdir(parents=True, exist_ok=True)
    numpy.savez_compressed(out / MODEL_FILE, **arrays)
    meta = {"labels": list(recipe["labels"]), "hidden": recipe["hidden"], "tags": tags, "recipe": recipe,
            "heads": list(network.heads), **extra_meta}
    (out / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    if (lexicon_dir / LEXICON_FILE).resolve() != (out / LEXICON_FILE).resolve():
        shutil.copyfile(lexicon_dir / LEXICON_FILE, out / LEXICON_FILE)  # a checkpoint loads on its own


def _with_float16_embeddings(network) -> None:
    """Rounds the embeddings as export stores them, so dev scores describe the saved model."""
    import torch

    with torch.no_grad():
        for embed in (network.char_embed, network.bigram_embed):
            embed.weight.copy_(embed.weight.half().float())


# ------------------------------------------------------------------------ train


def train(recipe: dict, out: Path, examples_path: Path = NAMES_WORK / "examples.jsonl",
          lexicon_dir: Path = NAMES_MODEL_DIR, max_steps: int | None = None) -> dict:
    import copy

    import torch

    torch.manual_seed(recipe["seed"])
    torch.set_num_threads(recipe["threads"])
    rng = random.Random(recipe["seed"])
    labels = recipe["labels"]
    tags = tag_names(labels)
    lexicon = Lexicon.read(lexicon_dir / LEXICON_FILE)
    examples = read_examples(examples_path)
    train_examples = [e for e in examples if e.split == "train"]
    vocabulary = build_vocabulary([e.text for e in train_examples], recipe["char_min_count"],
                                  recipe["bigram_min_count"])
    repeated = [e for e in train_examples for _ in range(recipe["corpus_repeats"].get(e.corpus, 1))]
    train_items = encode(repeated, vocabulary, lexicon, tags)
    dev_items = {c: encode([e for e in examples if e.split == "dev" and e.corpus == c], vocabulary, lexicon, tags)
                 for c in CORPORA}
    network = make_network(recipe, len(vocabulary.chars) + 2, len(vocabulary.bigrams) + 2, lexicon.n_features, tags)
    if recipe.get("char_vectors"):
        print("char vectors:", json.dumps(init_char_vectors(network, vocabulary, recipe["char_vectors"])), flush=True)
    averaged = copy.deepcopy(network)  # what is evaluated and saved: see average_into
    optimizer = torch.optim.Adam(network.parameters(), lr=recipe["learn_rate"])
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=recipe["learn_rate_decay"])
    out.mkdir(parents=True, exist_ok=True)
    log_path = out / "train_log.jsonl"
    log_path.write_text("")
    best = {"mean_f": -1.0}
    step, started, seen_chars = 0, time.time(), 0
    print(f"train texts {len(train_items)}, chars {sum(len(i.chars) for i in train_items)}, "
          f"vocab chars {len(vocabulary.chars)}, bigrams {len(vocabulary.bigrams)}, lexicon {lexicon.n_features}",
          flush=True)
    for epoch in range(recipe["epochs"]):
        for batch in batches(train_items, recipe["batch_chars"], rng):
            chars, bigrams, lexicon_bits, gold_tags, lengths, mask = to_tensors(batch, rng, recipe)
            head = network.head_index([item.example.corpus for item in batch])
            loss = network.loss(network.emissions(chars, bigrams, lexicon_bits, lengths, head), gold_tags, mask, head)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), recipe["grad_clip"])
            optimizer.step()
            average_into(averaged, network, recipe["average_decay"])
            step += 1
            seen_chars += int(lengths.sum())
            if step % recipe["eval_every"] == 0:
                best = _evaluate_and_keep(averaged, dev_items, tags, labels, recipe, vocabulary, out, best,
                                          {"step": step, "epoch": epoch, "loss": round(float(loss), 4),
                                           "seconds": round(time.time() - started),
                                           "train_chars_per_s": round(seen_chars / (time.time() - started))},
                                          log_path, copy, lexicon_dir)
            if max_steps and step >= max_steps:
                break
        scheduler.step()
        if max_steps and step >= max_steps:
            break
    best = _evaluate_and_keep(averaged, dev_items, tags, labels, recipe, vocabulary, out, best,
                              {"step": step, "epoch": "end", "seconds": round(time.time() - started)}, log_path, copy,
                              lexicon_dir)
    return best


def init_char_vectors(network, vocabulary: Vocabulary, source: str) -> dict:
    """The character embedding starts from pretrained vectors (training/char_vectors.py) where they
    know the character; the rest keep their random rows."""
    import torch

    from .char_vectors import initial_char_embeddings, read_table

    rows, stats = initial_char_embeddings(read_table(source), vocabulary.chars,
                                          network.char_embed.weight.detach().numpy())
    rows[0] = 0.0  # the padding row
    with torch.no_grad():
        network.char_embed.weight.copy_(torch.from_numpy(rows))
    return {"source": source, **stats}


def average_into(averaged, network, decay: float) -> None:
    """An exponential moving average of the weights (as spaCy keeps): steadier from one
    evaluation to the next than the weights of the last step."""
    import torch

    with torch.no_grad():
        for mean, current in zip(averaged.parameters(), network.parameters()):
            mean.mul_(decay).add_(current, alpha=1.0 - decay)


def _evaluate_and_keep(network, dev_items, tags, labels, recipe, vocabulary, out, best, info, log_path, copy,
                       lexicon_dir: Path = NAMES_MODEL_DIR):
    candidate = copy.deepcopy(network)
    _with_float16_embeddings(candidate)
    added = recipe.get("add_from_heads") or {}  # scored as the pipeline decodes: the exported head and these
    scores = {c: evaluate(candidate, items, tags, labels, recipe, added=added)
              for c, items in dev_items.items() if items}
    mean_f = sum(s["overall"]["f"] for s in scores.values()) / max(1, len(scores))
    record = {**info, "mean_f": round(mean_f, 4),
              **{c: {"f": s["overall"]["f"], **{k: v["f"] for k, v in s["per_label"].items()}}
                 for c, s in scores.items()}}
    if len(network.heads) > 1:  # what each corpus's own head reads, beside the exported head's
        record["own_head"] = {c: evaluate(candidate, items, tags, labels, recipe, own_head=True)["overall"]["f"]
                              for c, items in dev_items.items() if items}
        record["own_head_mean_f"] = round(sum(record["own_head"].values()) / max(1, len(record["own_head"])), 4)
    # With keep_by own_head the checkpoint kept is the one whose heads read their own corpora best:
    # what a decoder that picks the right head for each text reads.
    record["keep_f"] = record["own_head_mean_f"] if recipe.get("keep_by") == "own_head" else record["mean_f"]
    with log_path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    print(json.dumps(record), flush=True)
    if record["keep_f"] > best.get("keep_f", -1.0):
        export(candidate, vocabulary, recipe, tags, out, {"dev": scores, "step": info["step"]}, lexicon_dir)
        best = record
    return best


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=NAMES_RUN)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--lexicon-dir", type=Path, default=NAMES_MODEL_DIR,
                        help="the folder whose lexicon.tsv.gz the run reads and exports")
    args = parser.parse_args(argv)
    print(json.dumps(train(read_recipe(args.set), args.out, lexicon_dir=args.lexicon_dir, max_steps=args.max_steps)))


if __name__ == "__main__":
    main()

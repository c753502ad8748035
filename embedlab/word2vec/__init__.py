"""word2vec from scratch in numpy: skip-gram and CBOW with negative sampling, and the full-softmax original.

Small modules, one idea each: :mod:`.vocab` (which words, how often),
:mod:`.sampling` (subsampling, windows, pairs, noise words), :mod:`.sgns` (loss,
gradients, one SGD step), :mod:`.shared_negatives` (the fast block step),
:mod:`.cbow` (continuous bag of words), :mod:`.softmax` (the textbook full-softmax
model) and :mod:`.trainer`.
"""

from .cbow import Contexts, cbow_step, context_means
from .sampling import (
    context_pairs,
    context_positions,
    draw_negatives,
    keep_probabilities,
    noise_distribution,
    reduced_windows,
    subsample,
)
from .sgns import RowGroups, log_sigmoid, scatter_add, sgd_step, sgns_gradients, sgns_loss, sigmoid
from .shared_negatives import shared_negative_step, window_reach
from .softmax import softmax_gradients, softmax_loss, train_softmax_skipgram
from .epoch import Epoch, sentence_blocks
from .trainer import Word2VecResult, train_word2vec
from .vocab import Vocabulary, build_vocab, encode

__all__ = [
    "Contexts",
    "Epoch",
    "RowGroups",
    "Vocabulary",
    "Word2VecResult",
    "build_vocab",
    "cbow_step",
    "context_means",
    "context_pairs",
    "context_positions",
    "draw_negatives",
    "encode",
    "keep_probabilities",
    "log_sigmoid",
    "noise_distribution",
    "reduced_windows",
    "scatter_add",
    "sentence_blocks",
    "sgd_step",
    "sgns_gradients",
    "sgns_loss",
    "shared_negative_step",
    "sigmoid",
    "softmax_gradients",
    "softmax_loss",
    "subsample",
    "train_softmax_skipgram",
    "train_word2vec",
    "window_reach",
]

"""An epoch's draws are made up front, so the blocks can go to any worker in any order."""

import numpy as np

from embedlab.word2vec import Epoch, keep_probabilities, noise_distribution, sentence_blocks, train_word2vec

from .test_word2vec_training import planted_corpus


def draw(seed=0, number=0, shared_noise=3):
    rng = np.random.default_rng(1)
    sentence_ids = np.repeat(np.arange(300), rng.integers(1, 12, 300))
    ids = rng.integers(0, 50, len(sentence_ids))
    counts = np.bincount(ids, minlength=50)
    return Epoch.draw(number, ids, sentence_ids, keep_probabilities(counts, 1e-2), noise_distribution(counts),
                      window=4, block_size=64, group_size=8, shared_noise=shared_noise, seed=seed)


def test_blocks_cover_the_subsampled_text_once_and_end_at_sentence_ends():
    epoch = draw()
    assert epoch.blocks[0].start == 0 and epoch.blocks[-1].stop == len(epoch.tokens)
    assert all(a.stop == b.start for a, b in zip(epoch.blocks, epoch.blocks[1:], strict=False))
    for b in epoch.blocks[:-1]:
        assert epoch.sentences[b.stop - 1] != epoch.sentences[b.stop]
    assert sentence_blocks(epoch.sentences, 64) == epoch.blocks


def test_every_block_has_its_own_noise_one_row_per_chunk():
    epoch = draw()
    for i, b in enumerate(epoch.blocks):
        noise = epoch.block_noise(i)
        assert noise.shape == (-(-(b.stop - b.start) // 8), 3)
    assert sum(len(epoch.block_noise(i)) for i in range(len(epoch.blocks))) == len(epoch.noise)


def test_the_same_seed_and_epoch_draw_the_same_and_others_do_not():
    a, b, c = draw(), draw(), draw(number=1)
    np.testing.assert_array_equal(a.tokens, b.tokens)
    np.testing.assert_array_equal(a.noise, b.noise)
    assert not np.array_equal(a.windows[: len(c.windows)], c.windows[: len(a.windows)])
    np.testing.assert_array_equal(a.block_rng(2).random(3), b.block_rng(2).random(3))


def test_progress_counts_corpus_words_subsampled_ones_included():
    epoch = draw()
    assert sum(epoch.corpus_words(b) for b in epoch.blocks) <= epoch.positions[-1] + 1
    assert epoch.corpus_words(epoch.blocks[0]) == epoch.positions[epoch.blocks[0].stop - 1] - epoch.positions[0] + 1


def test_two_workers_train_every_block_once():
    """The workers share one queue of blocks: the history has one loss per block, as with one worker."""
    kwargs = dict(vector_size=8, min_count=1, epochs=2, block_size=64, progress=False, seed=5)
    one, two = (train_word2vec(planted_corpus(400), workers=w, **kwargs) for w in (1, 2))
    assert len(one.loss_history) == len(two.loss_history)
    assert np.isfinite(two.loss_history).all()

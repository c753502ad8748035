from embedlab.data import load_simlex999, load_wordsim353


def test_word_pair_sets_have_their_published_sizes():
    ws, sl = load_wordsim353(), load_simlex999()
    assert len(ws) == 353 and len(sl) == 999
    assert ws[0] == ("love", "sex", 6.77)
    assert all(0 <= s <= 10 for *_, s in ws + sl)

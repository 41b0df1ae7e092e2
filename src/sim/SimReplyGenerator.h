// SimReplyGenerator: deterministic assistant text, one token-ish piece at a time. Seeded from the
// prompt, it writes Markdown that looks like a real answer (paragraphs, headings, lists, fenced
// code, small tables) with some non-ASCII words (é, 日本, emoji) so renderers and UTF-8 handling
// get real work. Pieces are generated lazily, so a million-token benchmark costs no memory.
#pragma once

#include <QByteArray>
#include <QList>

#include "sim/SimRandom.h"

namespace anyrouter::sim {

class SimReplyGenerator
{
public:
    explicit SimReplyGenerator(quint64 seed, bool forceUnicode = false);

    QByteArray nextToken();     // next piece of the visible answer
    QByteArray nextReasoning(); // next piece of the (separate) reasoning text

private:
    void refill();
    void appendLine(QList<QByteArray>& out, const QByteArray& line);
    QByteArray word(bool capitalise);
    QByteArray sentence(int minWords, int maxWords);

    SimRandom m_rng;
    SimRandom m_reasoningRng;
    QList<QByteArray> m_pending;
    qsizetype m_pos = 0;
    int m_blocks = 0;
    bool m_forceUnicode = false;
    bool m_reasoningStarted = false;
};

} // namespace anyrouter::sim

// bench_transcript_demo: a standalone window with a long stored conversation (code blocks, tables,
// lists, an error, a stopped reply, versions) in the real TranscriptView, for screenshots under
// Xvfb. `--shot FILE.png [--scroll top|middle|bottom]` saves a grab and exits; `--stream` also
// streams a reply from an in-process simulator before the grab.
#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"
#include "sim/SimKeys.h"
#include "sim/SimServer.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/chat/TranscriptView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QNetworkAccessManager>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

const QString kReplyA = uR"(## Choosing a provider

AnyRouter picks a provider per request. You can steer it with **routing preferences**:

1. `order` — providers to try first
2. `only` / `ignore` — hard filters
3. `sort` — by *price*, *latency* or *throughput*

| Provider | Input $/1M | Output $/1M | Context |
|---|---:|---:|---:|
| openai | 0.15 | 0.60 | 128k |
| anthropic | 3.00 | 15.00 | 200k |
| google | 0.10 | 0.40 | 1M |

```cpp
// Ask for the cheapest provider that serves the model.
QJsonObject provider{{"sort", "price"}, {"allow_fallbacks", true}};
request.insert("provider", provider);
```

See [the routing docs](https://example.com/docs/routing) for details.)"_s;

const QString kReplyB = uR"(Here is a small Python client:

```python
import json, requests

def ask(prompt: str) -> str:
    """One request through the gateway."""
    r = requests.post(URL, json={"model": "openai/gpt-5.4-mini", "messages": [{"role": "user", "content": prompt}]})
    r.raise_for_status()  # 4xx/5xx become exceptions
    return r.json()["choices"][0]["message"]["content"]
```

And the same with `curl`:

```bash
curl -s "$BASE/chat/completions" -H "Authorization: Bearer $KEY" \
  -d '{"model":"openai/gpt-5.4-mini","messages":[{"role":"user","content":"hi"}]}'
```

> Tip: set `"stream": true` to get tokens as they arrive.

- Keep keys out of source control
- Prefer `usage.cost` from the gateway over local estimates)"_s;

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOption({u"shot"_s, u"Save a grab to this PNG and exit."_s, u"file"_s});
    p.addOption({u"scroll"_s, u"top, middle or bottom."_s, u"where"_s, u"bottom"_s});
    p.addOption({u"stream"_s, u"Stream a reply from an in-process simulator first."_s});
    p.addOption({u"empty"_s, u"Show a new, empty conversation."_s});
    p.process(app);

    QTemporaryDir dir;
    Database db(dir.filePath(u"demo.sqlite"_s));
    db.open();
    ConversationStore store(db);
    UsageLedger ledger(db);
    Conversation c;
    c.title = u"Demo"_s;
    c.model = u"openai/gpt-5.4-mini"_s;
    store.createConversation(c);
    qint64 parent = 0;
    auto add = [&](MessageRole role, const QString& text, MessageStatus status = MessageStatus::Complete,
                   const QString& category = {}, const QString& error = {}) {
        Message m;
        m.conversationId = c.id;
        m.parentId = parent;
        m.role = role;
        m.content = text;
        m.status = status;
        m.errorCategory = category;
        m.errorText = error;
        if (role == MessageRole::Assistant) {
            m.model = c.model;
            m.servedModel = c.model;
            m.provider = u"openai"_s;
            if (status == MessageStatus::Complete) {
                m.usage.promptTokens = 1234;
                m.usage.completionTokens = 456;
                m.usage.cachedTokens = 1024;
                m.usage.cost = 0.00042;
                m.ttftMs = 182;
                m.tokensPerSecond = 96.4;
            }
        }
        store.insertMessage(m);
        parent = m.id;
        return m.id;
    };
    for (int i = 0; i < 6; ++i) {
        add(MessageRole::User, u"How do I route request %1 to the cheapest provider?"_s.arg(i + 1));
        add(MessageRole::Assistant, i % 2 ? kReplyB : kReplyA);
    }
    add(MessageRole::User, u"Try again later please"_s);
    add(MessageRole::Assistant, u"The answer started like this and then"_s, MessageStatus::Incomplete,
        u"cancelled"_s, u"Stopped."_s);
    add(MessageRole::User, u"And now?"_s);
    const qint64 userId = parent;
    add(MessageRole::Assistant, QString(), MessageStatus::Error, u"rate_limited"_s,
        u"Too many requests for this key. Try again in 12 seconds."_s);
    parent = userId;
    add(MessageRole::Assistant, QString(), MessageStatus::Error, u"auth"_s,
        u"The gateway rejected the API key (401). Check the key in the workspace settings."_s);

    std::unique_ptr<sim::SimServerThread> sim;
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    if (p.isSet(u"stream"_s)) {
        sim::SimConfig cfg;
        cfg.tokensPerSecond = 800;
        cfg.ttftMs = 0;
        sim = std::make_unique<sim::SimServerThread>(cfg);
        sim->start();
        client.setBaseUrl(sim->baseUrl());
        client.setKeys(sim::fullKey());
    }
    ChatSession session(&store, &ledger, &client);
    session.setDefaultModel(c.model);
    TranscriptView view;
    view.setWindowTitle(u"Transcript demo"_s);
    view.resize(900, 1000);
    view.setSession(&session);
    view.show();
    if (!p.isSet(u"empty"_s))
        session.open(c.id);

    if (p.isSet(u"shot"_s)) {
        const QString file = p.value(u"shot"_s);
        const QString where = p.value(u"scroll"_s);
        QTimer::singleShot(300, &view, [&] {
            if (p.isSet(u"stream"_s))
                session.send(u"Show me code and a table [[tokens=3000]]"_s);
            QTimer::singleShot(p.isSet(u"stream"_s) ? 1500 : 100, &view, [&] {
                QScrollBar* sb = view.verticalScrollBar();
                if (where == u"top"_s)
                    sb->setValue(0);
                else if (where == u"middle"_s)
                    sb->setValue(sb->maximum() / 2);
                QTimer::singleShot(300, &view, [&] {
                    view.grab().save(file);
                    app.quit();
                });
            });
        });
    }
    return app.exec();
}

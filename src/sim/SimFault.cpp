// Fault specs and the response-level faults shared by every endpoint.
#include "sim/SimFault.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace anyrouter::sim {

QStringList SimFault::knownNames()
{
    return {u"drop"_s,
            u"stall"_s,
            u"truncate"_s,
            u"429"_s,
            u"500"_s,
            u"502"_s,
            u"503"_s,
            u"402"_s,
            u"401"_s,
            u"error-event"_s,
            u"malformed-json"_s,
            u"split-utf8"_s,
            u"huge-line"_s,
            u"slow-drip"_s,
            u"envelope-string"_s,
            u"envelope-numeric"_s,
            u"envelope-oauth"_s,
            u"html-502"_s};
}

bool SimFault::isKnown() const
{
    return knownNames().contains(name);
}

bool SimFault::isStatusFault() const
{
    static const QStringList kStatus = {u"429"_s,
                                        u"500"_s,
                                        u"502"_s,
                                        u"503"_s,
                                        u"402"_s,
                                        u"401"_s,
                                        u"envelope-string"_s,
                                        u"envelope-numeric"_s,
                                        u"envelope-oauth"_s,
                                        u"html-502"_s};
    return kStatus.contains(name);
}

bool SimFault::isStreamOnly() const
{
    static const QStringList kStream = {u"truncate"_s, u"error-event"_s, u"malformed-json"_s, u"huge-line"_s};
    return kStream.contains(name);
}

SimFault SimFault::parse(QByteArrayView spec)
{
    SimFault f;
    const QList<QByteArray> parts = spec.toByteArray().split(';');
    f.name = QString::fromUtf8(parts.value(0).trimmed()).toLower();
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray kv = parts.at(i).trimmed();
        const qsizetype eq = kv.indexOf('=');
        if (eq <= 0)
            continue;
        const QByteArray key = kv.left(eq).trimmed().toLower();
        bool ok = false;
        const qint64 v = kv.mid(eq + 1).trimmed().toLongLong(&ok);
        if (!ok || v < 0)
            continue;
        const int iv = int(qMin<qint64>(v, 1'000'000'000));
        if (key == "after")
            f.after = iv;
        else if (key == "count")
            f.count = iv;
        else if (key == "retry_after" || key == "retry-after")
            f.retryAfter = iv;
        else if (key == "status")
            f.status = iv;
        else if (key == "delay_ms" || key == "delay")
            f.delayMs = iv;
        else if (key == "bytes")
            f.bytes = v;
    }
    return f;
}

bool applyWriteModeFault(SimHttpConnection* connection, const SimFault& fault)
{
    if (fault.name == u"slow-drip"_s) {
        connection->setWriteMode(SimHttpConnection::WriteMode::SlowDrip,
                                 fault.delayMs >= 0 ? fault.delayMs : 1);
        return true;
    }
    if (fault.name == u"split-utf8"_s) {
        connection->setWriteMode(SimHttpConnection::WriteMode::SplitUtf8);
        return true;
    }
    return false;
}

void sendWithFault(SimHttpConnection* connection, int status, const SimHeaders& headers,
                   const QByteArray& body, const SimFault& fault)
{
    if (!connection || !connection->isOpen())
        return;
    applyWriteModeFault(connection, fault);
    if (fault.name == u"drop"_s || fault.name == u"stall"_s) {
        connection->writeHead(status, headers, SimHttpConnection::Framing::ContentLength, body.size());
        connection->writeBody(body.left(body.size() / 2));
        if (fault.name == u"drop"_s)
            connection->reset();
        return; // stall: the rest never comes; the peer has to time out
    }
    connection->sendResponse(status, headers, body);
}

} // namespace anyrouter::sim

// Helpers shared by the SecretStore tests: run one async call to completion, and look for a secret
// in files on disk.
#pragma once

#include "core/storage/SecretStore.h"

#include <QDirIterator>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

namespace anyrouter::test {

// Collects callback results; counts calls so "exactly once" can be checked.
struct ResultSink
{
    QList<SecretStore::Result> results;
    SecretStore::Callback callback()
    {
        return [this](const SecretStore::Result& r) { results.append(r); };
    }
};

// Files under `root` whose bytes contain `needle` (UTF-8 or UTF-16), so a plaintext copy anywhere
// (settings, database, keyring files written without encryption) is found.
inline QStringList filesContaining(const QString& root, const QString& needle)
{
    QStringList hits;
    const QByteArray utf8 = needle.toUtf8();
    const QByteArray utf16(reinterpret_cast<const char*>(needle.utf16()), needle.size() * 2);
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray data = f.readAll();
        if (data.contains(utf8) || data.contains(utf16))
            hits.append(path);
    }
    return hits;
}

} // namespace anyrouter::test

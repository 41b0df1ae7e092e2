// SafeTextDocument: a QTextDocument for text that came from a server (model replies). Such text is
// hostile: Markdown images and HTML (<img>, <link rel=stylesheet>, CSS background images) would make
// a plain QTextDocument read local files on the GUI thread (`![z](/dev/zero)` eats memory until the
// app aborts; a named pipe blocks it forever) and the reply is stored, so every start crashes again.
// This document never reads a file or fetches anything: every resource it is asked for is an inert
// placeholder, and after parsing, every image is replaced by visible link-styled text
// "[image: alt]" whose anchor is the image's URL, so the user still sees where it pointed.
#pragma once

#include <QTextDocument>

namespace anyrouter {

class SafeTextDocument : public QTextDocument
{
    Q_OBJECT
public:
    explicit SafeTextDocument(QObject* parent = nullptr);

    // setMarkdown() followed by neutraliseImages(): the only way replies enter a document.
    void setSafeMarkdown(const QString& markdown);

    // Replaces every image of `doc` with "[image: alt]" carrying the URL as a link. Returns how many
    // it replaced. Works on any document (e.g. a QTextBrowser's own), though only a SafeTextDocument
    // is also safe while it parses.
    static int neutraliseImages(QTextDocument* doc);
    // What a resource request gets: a 1×1 transparent image for images (non-null, so Qt's image
    // handler never falls back to QImage::load(name) itself), nothing for anything else.
    static QVariant inertResource(int type);
    // How many resource requests any SafeTextDocument refused (tests assert that it is consulted).
    static int refusedCount();

protected:
    QVariant loadResource(int type, const QUrl& name) override;
};

} // namespace anyrouter

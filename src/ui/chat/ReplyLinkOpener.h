// ReplyLinkOpener: what clicking a link in a reply does. A reply is hostile text, so a link in it
// opens only when it is a web or e-mail link (http, https, mailto) and only after the user has seen
// its full target and said Open; file://, custom schemes (which would launch other programs),
// relative and malformed links never open: the user is told so, shown the target and may copy it.
// Both ask through a non-modal QMessageBox (open(), never exec()), so nothing blocks the GUI thread.
#pragma once

#include <QObject>
#include <QString>

class QMessageBox;
class QUrl;
class QWidget;

namespace anyrouter {

class ReplyLinkOpener : public QObject
{
    Q_OBJECT
public:
    // Whether a link of a reply may open at all (after confirmation).
    static bool isOpenable(const QUrl& url);
    // The target as shown to the user: the exact, fully encoded URL (punycode host, so a look-alike
    // host cannot pass for another), cut for display only when absurdly long.
    static QString displayTarget(const QUrl& url);
    // Shows the confirmation (or the "not opened" notice) for `href`, parented to `parent`'s window,
    // and returns it (already shown, deletes itself when closed). Open calls QDesktopServices::openUrl.
    static QMessageBox* request(QWidget* parent, const QString& href);
};

} // namespace anyrouter

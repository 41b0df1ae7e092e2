// Palette: the app's few semantic colours (success, warning, error, muted text, chart lines, banners,
// syntax highlighting), derived from the system palette so that a dark desktop theme stays readable.
// The one place colours are chosen: widgets ask for a role, never write a hex value of their own.
#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

namespace anyrouter::palette {

enum class Role
{
    Success,          // "connected", a healthy provider
    Warning,          // a degraded provider, a key-state hint, a dashed threshold line
    Error,            // an error line, a down provider, the low-balance status-bar warning
    Muted,            // secondary text: "checked at", chart captions
    Unknown,          // a state word we do not know; empty buckets
    Accent,           // the main line of a chart
    NewMark,          // a model that is new since the last refresh
    PriceMark,        // a model whose price changed
    BannerBackground, // the low-balance banner
    BannerText,
    BannerBorder,
    SearchHit, // a search match in the transcript (background)
    CodeKeyword,
    CodeString,
    CodeComment,
    CodeNumber,
    Rule, // table borders and code-block backgrounds (translucent)
};

// True when the palette's window colour is dark (a dark desktop theme).
bool isDark(const QPalette& palette);
// The colour for `role` against `palette` (default: the application's current palette).
QColor color(Role role, const QPalette& palette);
QColor color(Role role);
// "color: #rrggbb;" for a style sheet, with the role's colour against the application palette.
QString textCss(Role role);

} // namespace anyrouter::palette

// Palette: light and dark variants of each role; the dark ones are lighter and less saturated so they
// keep their contrast on a dark window colour.
#include "ui/common/Palette.h"

#include <QGuiApplication>

namespace anyrouter::palette {

using namespace Qt::StringLiterals;

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor color(Role role, const QPalette& palette)
{
    const bool dark = isDark(palette);
    const auto pick = [dark](QRgb light, QRgb onDark) { return QColor::fromRgb(dark ? onDark : light); };
    switch (role) {
    case Role::Success:
        return pick(0x1a7f37, 0x3fb950);
    case Role::Warning:
        return pick(0x9a6700, 0xd29922);
    case Role::Error:
        return pick(0xb3261e, 0xff7b72);
    case Role::Muted: {
        // Halfway between the text and the window colour: readable, yet clearly secondary.
        const QColor text = palette.color(QPalette::WindowText);
        const QColor window = palette.color(QPalette::Window);
        return QColor((text.red() * 3 + window.red() * 2) / 5, (text.green() * 3 + window.green() * 2) / 5,
                      (text.blue() * 3 + window.blue() * 2) / 5);
    }
    case Role::Unknown:
        return pick(0x8c959f, 0x8b949e);
    case Role::Accent:
        return pick(0x0969da, 0x58a6ff);
    case Role::NewMark:
        return pick(0x2e9d4f, 0x3fb950);
    case Role::PriceMark:
        return pick(0xd98a00, 0xe3b341);
    case Role::BannerBackground:
        return pick(0xfff8c5, 0x3b2e00);
    case Role::BannerText:
        return pick(0x6f4e00, 0xf2cc60);
    case Role::BannerBorder:
        return pick(0xd4a72c, 0x9e6a03);
    case Role::SearchHit: {
        QColor c = pick(0xffd600, 0x9e6a03);
        c.setAlpha(150);
        return c;
    }
    case Role::CodeKeyword:
        return pick(0x8b1ea8, 0xc678dd);
    case Role::CodeString:
        return pick(0x2a7d2a, 0x98c379);
    case Role::CodeComment:
        return pick(0x6a737d, 0x8a939e);
    case Role::CodeNumber:
        return pick(0xb05000, 0xd19a66);
    case Role::Rule: {
        QColor c(128, 128, 128);
        c.setAlpha(dark ? 140 : 110);
        return c;
    }
    }
    return palette.color(QPalette::WindowText);
}

QColor color(Role role)
{
    return color(role, QGuiApplication::palette());
}

QString textCss(Role role)
{
    return u"color: %1;"_s.arg(color(role).name());
}

} // namespace anyrouter::palette

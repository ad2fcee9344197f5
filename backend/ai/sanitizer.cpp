#include "ai/sanitizer.h"

namespace relaydesk {

bool Sanitizer::isStripped(char32_t c)
{
    if (c == U'\n' || c == U'\t')
        return false;
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

QString Sanitizer::clean(const QString &text)
{
    QString unified;
    unified.reserve(text.size());
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size; ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('\r')) {
            unified += QLatin1Char('\n');
            if (i + 1 < size && text.at(i + 1) == QLatin1Char('\n'))
                ++i;
            continue;
        }
        if (c.isHighSurrogate()) {
            if (i + 1 < size && text.at(i + 1).isLowSurrogate()) {
                unified += c;
                unified += text.at(++i);
            }
            continue;
        }
        if (c.isLowSurrogate() || isStripped(c.unicode()))
            continue;
        unified += c;
    }
    return unified.normalized(QString::NormalizationForm_C);
}

QString Sanitizer::forPlatform(const QString &text, Platform platform, bool *truncated)
{
    QString result = clean(text);
    const int limit = platformLengthLimit(platform);
    const bool cut = result.size() > limit;
    if (cut) {
        qsizetype end = limit;
        if (end > 0 && result.at(end - 1).isHighSurrogate())
            --end;
        result.truncate(end);
    }
    if (truncated)
        *truncated = cut;
    return result;
}

} // namespace relaydesk

#include "channels/mimemessage.h"

#include <QStringDecoder>

namespace relaydesk {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Splits a message or part at its first empty line.
std::pair<QByteArrayView, QByteArrayView> splitHead(QByteArrayView raw)
{
    qsizetype i = 0;
    while (i < raw.size()) {
        const qsizetype newline = raw.indexOf('\n', i);
        if (newline < 0)
            break;
        QByteArrayView line = raw.sliced(i, newline - i);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            return {raw.first(i), raw.sliced(newline + 1)};
        i = newline + 1;
    }
    return {raw, QByteArrayView()};
}

struct EncodedWord {
    qsizetype end = -1; // index after "?=", or -1 when the text at the start is no encoded word
    QString text;
};

// One "=?charset?enc?text?=" at `start`.
EncodedWord encodedWordAt(QByteArrayView value, qsizetype start)
{
    EncodedWord word;
    if (!value.sliced(start).startsWith("=?"))
        return word;
    const qsizetype charsetEnd = value.indexOf('?', start + 2);
    if (charsetEnd < 0 || charsetEnd + 2 >= value.size() || value[charsetEnd + 2] != '?')
        return word;
    const char encoding = value[charsetEnd + 1];
    const qsizetype textStart = charsetEnd + 3;
    const qsizetype textEnd = value.indexOf("?=", textStart);
    if (textEnd < 0)
        return word;
    QByteArrayView charset = value.sliced(start + 2, charsetEnd - start - 2);
    // RFC 2231 allows a language after '*': "UTF-8*en".
    if (const qsizetype star = charset.indexOf('*'); star >= 0)
        charset = charset.first(star);
    const QByteArrayView encoded = value.sliced(textStart, textEnd - textStart);
    QByteArray bytes;
    if (encoding == 'B' || encoding == 'b') {
        bytes = QByteArray::fromBase64(encoded.toByteArray());
    } else if (encoding == 'Q' || encoding == 'q') {
        for (qsizetype i = 0; i < encoded.size(); ++i) {
            const char c = encoded[i];
            if (c == '_') {
                bytes.append(' ');
            } else if (c == '=' && i + 2 < encoded.size() && hexValue(encoded[i + 1]) >= 0 &&
                       hexValue(encoded[i + 2]) >= 0) {
                bytes.append(char(hexValue(encoded[i + 1]) * 16 + hexValue(encoded[i + 2])));
                i += 2;
            } else {
                bytes.append(c);
            }
        }
    } else {
        return word;
    }
    word.end = textEnd + 2;
    word.text = MimeMessage::decodeText(bytes, charset);
    return word;
}

bool isBlockElement(const QString &name)
{
    static const QStringList blocks{
        QStringLiteral("br"),    QStringLiteral("p"),  QStringLiteral("div"),
        QStringLiteral("tr"),    QStringLiteral("li"), QStringLiteral("h1"),
        QStringLiteral("h2"),    QStringLiteral("h3"), QStringLiteral("h4"),
        QStringLiteral("h5"),    QStringLiteral("h6"), QStringLiteral("blockquote"),
        QStringLiteral("table"), QStringLiteral("ul"), QStringLiteral("ol"),
        QStringLiteral("hr"),    QStringLiteral("pre")};
    return blocks.contains(name);
}

QString codePoint(uint code)
{
    if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return {};
    const char32_t value = code;
    return QString::fromUcs4(&value, 1);
}

QString decodeEntity(const QString &entity)
{
    bool ok = false;
    if (entity.startsWith(QLatin1String("#x")) || entity.startsWith(QLatin1String("#X"))) {
        const uint code = entity.mid(2).toUInt(&ok, 16);
        return ok ? codePoint(code) : QString();
    }
    if (entity.startsWith(QLatin1Char('#'))) {
        const uint code = entity.mid(1).toUInt(&ok, 10);
        return ok ? codePoint(code) : QString();
    }
    static const QList<std::pair<QString, QString>> named{
        {QStringLiteral("amp"), QStringLiteral("&")},
        {QStringLiteral("lt"), QStringLiteral("<")},
        {QStringLiteral("gt"), QStringLiteral(">")},
        {QStringLiteral("quot"), QStringLiteral("\"")},
        {QStringLiteral("apos"), QStringLiteral("'")},
        {QStringLiteral("nbsp"), QStringLiteral(" ")},
        {QStringLiteral("ndash"), QString(QChar(0x2013))},
        {QStringLiteral("mdash"), QString(QChar(0x2014))},
        {QStringLiteral("hellip"), QString(QChar(0x2026))},
        {QStringLiteral("copy"), QString(QChar(0xA9))}};
    for (const auto &[name, text] : named) {
        if (entity == name)
            return text;
    }
    return {};
}

} // namespace

MimeMessage MimeMessage::parse(QByteArrayView raw)
{
    MimeMessage message;
    const auto [head, body] = splitHead(raw);
    message.m_headers = MultipartParser::parseHeaders(head);
    message.walk(message.m_headers, body, 0);
    return message;
}

QString MimeMessage::header(QByteArrayView name) const
{
    return decodeEncodedWords(MultipartParser::headerValue(m_headers, name));
}

void MimeMessage::walk(const MimeHeaders &headers, QByteArrayView body, int depth)
{
    const QByteArray contentTypeHeader = MultipartParser::headerValue(headers, "Content-Type");
    QByteArray type = MultipartParser::mediaType(contentTypeHeader);
    if (type.isEmpty())
        type = "text/plain"; // RFC 2045 default
    const QByteArray dispositionHeader =
        MultipartParser::headerValue(headers, "Content-Disposition");
    const QByteArray disposition = MultipartParser::mediaType(dispositionHeader);
    const QString filename =
        MultipartParser::parameter(dispositionHeader, "filename")
            .value_or(MultipartParser::parameter(contentTypeHeader, "name").value_or(QString()));
    const QByteArray encoding = MultipartParser::mediaType(
        MultipartParser::headerValue(headers, "Content-Transfer-Encoding"));

    if (type.startsWith("multipart/")) {
        if (depth >= kMaxDepth)
            return;
        const auto boundary = MultipartParser::boundaryFrom(contentTypeHeader);
        if (!boundary)
            return;
        const auto parts = MultipartParser::parseWithBoundary(*boundary, body);
        if (!parts.isOk())
            return;
        for (const MultipartPart &part : parts.value())
            walk(part.headers, part.body, depth + 1);
        return;
    }
    const bool textType = type == "text/plain" || type == "text/html";
    if (disposition == "attachment" || !filename.isEmpty() || !textType) {
        if (m_attachments.size() < kMaxAttachments)
            m_attachments.append(MimeAttachment{decodeEncodedWords(filename.toUtf8()), type,
                                                decodeTransfer(body, encoding).size()});
        return;
    }
    const QByteArray charset =
        MultipartParser::parameter(contentTypeHeader, "charset").value_or(QString()).toLatin1();
    QString &target = type == "text/plain" ? m_text : m_html;
    if (target.isEmpty())
        target = decodeText(decodeTransfer(body, encoding), charset);
}

QString MimeMessage::decodeEncodedWords(QByteArrayView value)
{
    QString result;
    qsizetype i = 0;
    qsizetype plainStart = 0;
    bool lastWasEncoded = false;
    while (i < value.size()) {
        const qsizetype next = value.indexOf("=?", i);
        if (next < 0)
            break;
        const EncodedWord word = encodedWordAt(value, next);
        if (word.end < 0) {
            i = next + 2;
            continue;
        }
        const QByteArrayView between = value.sliced(plainStart, next - plainStart);
        // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
        if (!(lastWasEncoded && between.trimmed().isEmpty()))
            result += QString::fromUtf8(between);
        result += word.text;
        lastWasEncoded = true;
        i = word.end;
        plainStart = word.end;
    }
    result += QString::fromUtf8(value.sliced(plainStart));
    return result;
}

QByteArray MimeMessage::decodeQuotedPrintable(QByteArrayView data)
{
    QByteArray out;
    out.reserve(data.size());
    for (qsizetype i = 0; i < data.size(); ++i) {
        const char c = data[i];
        if (c != '=') {
            out.append(c);
            continue;
        }
        if (i + 1 < data.size() && data[i + 1] == '\n') {
            i += 1; // soft line break
        } else if (i + 2 < data.size() && data[i + 1] == '\r' && data[i + 2] == '\n') {
            i += 2;
        } else if (i + 2 < data.size() && hexValue(data[i + 1]) >= 0 &&
                   hexValue(data[i + 2]) >= 0) {
            out.append(char(hexValue(data[i + 1]) * 16 + hexValue(data[i + 2])));
            i += 2;
        } else {
            out.append(c); // a stray '=' is kept, as RFC 2045 suggests for robustness
        }
    }
    return out;
}

QByteArray MimeMessage::decodeTransfer(QByteArrayView data, QByteArrayView encoding)
{
    const QByteArray name = encoding.toByteArray().trimmed().toLower();
    if (name == "base64")
        return QByteArray::fromBase64(data.toByteArray());
    if (name == "quoted-printable")
        return decodeQuotedPrintable(data);
    return data.toByteArray();
}

QString MimeMessage::decodeText(const QByteArray &bytes, QByteArrayView charset)
{
    const QByteArray name = charset.toByteArray().trimmed();
    if (!name.isEmpty() && name.toLower() != "utf-8" && name.toLower() != "us-ascii") {
        QStringDecoder decoder(name.constData());
        if (decoder.isValid())
            return decoder.decode(bytes);
    }
    return QString::fromUtf8(bytes);
}

QString MimeMessage::htmlToText(const QString &html)
{
    QString out;
    out.reserve(html.size());
    const qsizetype n = html.size();
    qsizetype i = 0;
    auto appendSpace = [&out] {
        if (!out.isEmpty() && !out.back().isSpace())
            out.append(QLatin1Char(' '));
    };
    while (i < n) {
        const QChar c = html[i];
        if (c == QLatin1Char('<')) {
            if (QStringView(html).sliced(i).startsWith(QLatin1String("<!--"))) {
                const qsizetype end = html.indexOf(QLatin1String("-->"), i + 4);
                i = end < 0 ? n : end + 3;
                continue;
            }
            const qsizetype end = html.indexOf(QLatin1Char('>'), i + 1);
            if (end < 0) {
                out.append(c);
                ++i;
                continue;
            }
            const QStringView tag = QStringView(html).sliced(i + 1, end - i - 1).trimmed();
            const bool closing = tag.startsWith(QLatin1Char('/'));
            QStringView nameView = closing ? tag.sliced(1).trimmed() : tag;
            qsizetype nameEnd = 0;
            while (nameEnd < nameView.size() && nameView[nameEnd].isLetterOrNumber())
                ++nameEnd;
            const QString name = nameView.first(nameEnd).toString().toLower();
            i = end + 1;
            if (!closing && (name == QLatin1String("script") || name == QLatin1String("style") ||
                             name == QLatin1String("head") || name == QLatin1String("title"))) {
                const qsizetype close =
                    html.indexOf(QStringLiteral("</") + name, i, Qt::CaseInsensitive);
                const qsizetype closeEnd = close < 0 ? -1 : html.indexOf(QLatin1Char('>'), close);
                i = closeEnd < 0 ? n : closeEnd + 1;
                continue;
            }
            if (isBlockElement(name)) {
                while (!out.isEmpty() && out.back() == QLatin1Char(' '))
                    out.chop(1);
                out.append(QLatin1Char('\n'));
            }
            continue;
        }
        if (c == QLatin1Char('&')) {
            const qsizetype semicolon = html.indexOf(QLatin1Char(';'), i + 1);
            if (semicolon > i + 1 && semicolon - i <= 10) {
                const QString decoded = decodeEntity(html.mid(i + 1, semicolon - i - 1));
                if (!decoded.isEmpty()) {
                    if (decoded == QLatin1String(" "))
                        appendSpace();
                    else
                        out.append(decoded);
                    i = semicolon + 1;
                    continue;
                }
            }
            out.append(c);
            ++i;
            continue;
        }
        if (c.isSpace()) {
            if (!out.isEmpty() && out.back() != QLatin1Char('\n'))
                appendSpace();
        } else {
            out.append(c);
        }
        ++i;
    }
    // Tidy: trim each line and keep at most one empty line in a row.
    QStringList lines;
    int blank = 0;
    for (const QString &line : out.split(QLatin1Char('\n'))) {
        const QString t = line.trimmed();
        if (t.isEmpty()) {
            if (++blank > 1 || lines.isEmpty())
                continue;
        } else {
            blank = 0;
        }
        lines.append(t);
    }
    return lines.join(QLatin1Char('\n')).trimmed();
}

} // namespace relaydesk

#include "channels/multipartparser.h"

namespace relaydesk {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimmed(QByteArrayView view)
{
    qsizetype begin = 0;
    qsizetype end = view.size();
    while (begin < end && (isSpace(view[begin]) || view[begin] == '\r' || view[begin] == '\n'))
        ++begin;
    while (end > begin &&
           (isSpace(view[end - 1]) || view[end - 1] == '\r' || view[end - 1] == '\n'))
        --end;
    return view.sliced(begin, end - begin);
}

// Every parameter of a structured header value after the leading token, in order, with quoted
// strings unquoted. Extended (RFC 2231) names keep their trailing '*'.
QList<std::pair<QByteArray, QByteArray>> parameters(QByteArrayView value)
{
    QList<std::pair<QByteArray, QByteArray>> result;
    qsizetype i = 0;
    const qsizetype n = value.size();
    // Skip the media type or disposition type; it never contains quotes.
    while (i < n && value[i] != ';')
        ++i;
    while (i < n) {
        while (i < n &&
               (value[i] == ';' || isSpace(value[i]) || value[i] == '\r' || value[i] == '\n'))
            ++i;
        const qsizetype keyStart = i;
        while (i < n && value[i] != '=' && value[i] != ';')
            ++i;
        const QByteArray key =
            trimmed(value.sliced(keyStart, i - keyStart)).toByteArray().toLower();
        if (i >= n || value[i] == ';') {
            if (!key.isEmpty())
                result.append({key, QByteArray()});
            continue;
        }
        ++i; // '='
        while (i < n && isSpace(value[i]))
            ++i;
        QByteArray parsed;
        if (i < n && value[i] == '"') {
            ++i;
            while (i < n && value[i] != '"') {
                if (value[i] == '\\' && i + 1 < n)
                    ++i;
                parsed.append(value[i]);
                ++i;
            }
            if (i < n)
                ++i; // closing quote
            while (i < n && value[i] != ';')
                ++i; // junk after the quoted string
        } else {
            const qsizetype start = i;
            while (i < n && value[i] != ';')
                ++i;
            parsed = trimmed(value.sliced(start, i - start)).toByteArray();
        }
        if (!key.isEmpty())
            result.append({key, parsed});
    }
    return result;
}

QString decodeCharset(const QByteArray &bytes, QByteArrayView charset)
{
    const QByteArray name = charset.toByteArray().toLower();
    if (name == "iso-8859-1" || name == "latin1" || name == "us-ascii")
        return QString::fromLatin1(bytes);
    return QString::fromUtf8(bytes);
}

// RFC 2231: charset'language'percent-encoded-octets.
QString decodeExtendedValue(const QByteArray &value)
{
    const qsizetype first = value.indexOf('\'');
    const qsizetype second = first < 0 ? -1 : value.indexOf('\'', first + 1);
    if (second < 0)
        return QString::fromUtf8(QByteArray::fromPercentEncoding(value));
    return decodeCharset(QByteArray::fromPercentEncoding(value.mid(second + 1)),
                         QByteArrayView(value).first(first));
}

} // namespace

QByteArray MultipartParser::mediaType(QByteArrayView headerValue)
{
    const qsizetype semicolon = headerValue.indexOf(';');
    const QByteArrayView type = semicolon < 0 ? headerValue : headerValue.first(semicolon);
    return trimmed(type).toByteArray().toLower();
}

std::optional<QString> MultipartParser::parameter(QByteArrayView headerValue, QByteArrayView name)
{
    const QByteArray wanted = name.toByteArray().toLower();
    const QByteArray extended = wanted + '*';
    std::optional<QString> plain;
    for (const auto &[key, value] : parameters(headerValue)) {
        if (key == extended)
            return decodeExtendedValue(value);
        if (key == wanted && !plain)
            plain = QString::fromUtf8(value);
    }
    return plain;
}

std::optional<QByteArray> MultipartParser::boundaryFrom(QByteArrayView contentType)
{
    if (!mediaType(contentType).startsWith("multipart/"))
        return std::nullopt;
    for (const auto &[key, value] : parameters(contentType)) {
        if (key != "boundary")
            continue;
        if (value.isEmpty() || value.size() > kMaxBoundaryLength)
            return std::nullopt;
        return value;
    }
    return std::nullopt;
}

MimeHeaders MultipartParser::parseHeaders(QByteArrayView block)
{
    MimeHeaders headers;
    qsizetype i = 0;
    while (i < block.size()) {
        qsizetype newline = block.indexOf('\n', i);
        if (newline < 0)
            newline = block.size();
        QByteArrayView line = block.sliced(i, newline - i);
        i = newline + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            break;
        if (isSpace(line[0])) {
            if (!headers.isEmpty()) {
                QByteArray &value = headers.last().second;
                const QByteArrayView continuation = trimmed(line);
                if (!continuation.isEmpty())
                    value += (value.isEmpty() ? QByteArray() : QByteArray(" ")) +
                             continuation.toByteArray();
            }
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue; // not a header line: skipped rather than trusted
        const QByteArrayView name = trimmed(line.first(colon));
        if (name.isEmpty() || headers.size() >= kMaxHeadersPerPart)
            continue;
        headers.append({name.toByteArray(), trimmed(line.sliced(colon + 1)).toByteArray()});
    }
    return headers;
}

QByteArray MultipartParser::headerValue(const MimeHeaders &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

qsizetype MultipartParser::findDelimiter(QByteArrayView body, QByteArrayView delimiter,
                                         qsizetype from)
{
    qsizetype index = from;
    while (index <= body.size()) {
        index = body.indexOf(delimiter, index);
        if (index < 0)
            return -1;
        const bool lineStart = index == 0 || body[index - 1] == '\n';
        const qsizetype after = index + delimiter.size();
        // A longer boundary that merely starts with ours is not ours.
        const bool closing =
            after + 1 < body.size() && body[after] == '-' && body[after + 1] == '-';
        const bool delimited = after >= body.size() || closing || body[after] == '\r' ||
                               body[after] == '\n' || isSpace(body[after]);
        if (lineStart && delimited)
            return index;
        ++index;
    }
    return -1;
}

MultipartPart MultipartParser::partFrom(QByteArrayView raw)
{
    MultipartPart part;
    qsizetype i = 0;
    qsizetype bodyStart = raw.size();
    qsizetype headerEnd = raw.size();
    while (i < raw.size()) {
        qsizetype newline = raw.indexOf('\n', i);
        if (newline < 0)
            break;
        QByteArrayView line = raw.sliced(i, newline - i);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty()) {
            headerEnd = i;
            bodyStart = newline + 1;
            break;
        }
        i = newline + 1;
    }
    part.headers = parseHeaders(raw.first(headerEnd));
    part.body = raw.sliced(bodyStart).toByteArray();
    part.contentType = mediaType(headerValue(part.headers, "Content-Type"));
    const QByteArray disposition = headerValue(part.headers, "Content-Disposition");
    if (!disposition.isEmpty()) {
        part.name = parameter(disposition, "name").value_or(QString());
        part.filename = parameter(disposition, "filename").value_or(QString());
    }
    return part;
}

Outcome<QList<MultipartPart>> MultipartParser::parse(QByteArrayView contentType,
                                                     QByteArrayView body)
{
    const auto boundary = boundaryFrom(contentType);
    if (!boundary)
        return Outcome<QList<MultipartPart>>::failure(
            ErrorKind::Invalid,
            QStringLiteral("Content-Type must be multipart/* with a boundary parameter"));
    return parseWithBoundary(*boundary, body);
}

Outcome<QList<MultipartPart>> MultipartParser::parseWithBoundary(QByteArrayView boundary,
                                                                 QByteArrayView body)
{
    using Result = Outcome<QList<MultipartPart>>;
    if (boundary.isEmpty() || boundary.size() > kMaxBoundaryLength)
        return Result::failure(ErrorKind::Invalid,
                               QStringLiteral("the boundary is empty or too long"));
    const QByteArray delimiter = "--" + boundary.toByteArray();
    qsizetype position = findDelimiter(body, delimiter, 0);
    if (position < 0)
        return Result::failure(ErrorKind::Invalid,
                               QStringLiteral("the body contains no boundary delimiter"));
    QList<MultipartPart> parts;
    while (true) {
        const qsizetype after = position + delimiter.size();
        if (body.sliced(after).startsWith("--"))
            return parts; // close delimiter; the epilogue is ignored
        const qsizetype endOfLine = body.indexOf('\n', after);
        if (endOfLine < 0)
            return Result::failure(ErrorKind::Invalid,
                                   QStringLiteral("the body ends inside a boundary line"));
        const qsizetype partStart = endOfLine + 1;
        const qsizetype next = findDelimiter(body, delimiter, partStart);
        if (next < 0)
            return Result::failure(ErrorKind::Invalid,
                                   QStringLiteral("the body ends before its closing boundary"));
        // The line break before a delimiter belongs to the delimiter, not to the part.
        qsizetype end = next - 1;
        if (end - 1 >= partStart && body[end - 1] == '\r')
            --end;
        end = std::max(end, partStart);
        if (parts.size() >= kMaxParts)
            return Result::failure(ErrorKind::Invalid,
                                   QStringLiteral("more than %1 parts").arg(kMaxParts));
        parts.append(partFrom(body.sliced(partStart, end - partStart)));
        position = next;
    }
}

} // namespace relaydesk

#pragma once

#include "core/outcome.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <optional>
#include <utility>

namespace relaydesk {

// Header fields as they appeared, unfolded, in order; names keep their spelling.
using MimeHeaders = QList<std::pair<QByteArray, QByteArray>>;

// One body part of a multipart entity. For multipart/form-data, `name` and `filename` come from
// its Content-Disposition; both are empty for other multipart types.
struct MultipartPart {
    MimeHeaders headers;
    QByteArray body;
    QString name;
    QString filename;
    QByteArray contentType; // the media type alone, lower case; empty when the part has none
};

// RFC 2046 multipart bodies (multipart/form-data from SendGrid Inbound Parse, and the nested
// multipart/alternative and multipart/mixed inside e-mail). It accepts CRLF and bare LF line
// endings, quoted and unquoted boundaries, transport padding after delimiters and a preamble
// and epilogue. Every input, however malformed, yields either parts or an error: the HTTP thread
// feeds it whatever a client sends.
class MultipartParser
{
public:
    static constexpr int kMaxParts = 1000;
    static constexpr int kMaxHeadersPerPart = 200;
    static constexpr int kMaxBoundaryLength = 200;

    // The boundary parameter of a multipart/* Content-Type, or nullopt when the type is not
    // multipart or the boundary is missing, empty or overlong.
    static std::optional<QByteArray> boundaryFrom(QByteArrayView contentType);
    static Outcome<QList<MultipartPart>> parse(QByteArrayView contentType, QByteArrayView body);
    static Outcome<QList<MultipartPart>> parseWithBoundary(QByteArrayView boundary,
                                                           QByteArrayView body);

    // Header lines up to the first empty line (or the end), continuation lines unfolded.
    static MimeHeaders parseHeaders(QByteArrayView block);
    // Case-insensitive; the first occurrence wins; empty when absent.
    static QByteArray headerValue(const MimeHeaders &headers, QByteArrayView name);
    // The value before the first ';' (e.g. "multipart/form-data"), trimmed and lower case.
    static QByteArray mediaType(QByteArrayView headerValue);
    // A parameter of a structured header ("name" of Content-Disposition, "boundary" of
    // Content-Type), case-insensitive, unquoted with backslash escapes resolved. RFC 2231
    // extended values (filename*=UTF-8''na%C3%AFve.txt) are decoded and win over plain ones.
    static std::optional<QString> parameter(QByteArrayView headerValue, QByteArrayView name);

private:
    static qsizetype findDelimiter(QByteArrayView body, QByteArrayView delimiter, qsizetype from);
    static MultipartPart partFrom(QByteArrayView raw);
};

} // namespace relaydesk

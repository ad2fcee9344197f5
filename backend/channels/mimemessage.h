#pragma once

#include "channels/multipartparser.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace relaydesk {

struct MimeAttachment {
    QString filename;
    QByteArray contentType;
    qsizetype size = 0; // decoded bytes
};

// A received e-mail (RFC 5322 + MIME) reduced to what a support conversation needs: the header
// fields, the first text/plain and text/html bodies (transfer encoding and charset undone) and
// a description of each attachment. SendGrid's raw Inbound Parse mode hands us the whole message.
// Parsing never fails: garbage yields a message with whatever could be recognised.
class MimeMessage
{
public:
    static constexpr int kMaxDepth = 8;
    static constexpr int kMaxAttachments = 100;

    static MimeMessage parse(QByteArrayView raw);

    const MimeHeaders &headers() const { return m_headers; }
    // Unfolded and with RFC 2047 encoded words decoded; empty when absent.
    QString header(QByteArrayView name) const;
    QString text() const { return m_text; }
    QString html() const { return m_html; }
    QList<MimeAttachment> attachments() const { return m_attachments; }

    // "=?UTF-8?B?...?=" and "=?ISO-8859-1?Q?...?=" words; other text is read as UTF-8.
    static QString decodeEncodedWords(QByteArrayView value);
    static QByteArray decodeQuotedPrintable(QByteArrayView data);
    // base64 and quoted-printable; anything else (7bit, 8bit, binary) is returned as is.
    static QByteArray decodeTransfer(QByteArrayView data, QByteArrayView encoding);
    // UTF-8 unless `charset` names an encoding Qt knows; unknown names fall back to UTF-8.
    static QString decodeText(const QByteArray &bytes, QByteArrayView charset);
    // Readable plain text from an HTML body: scripts, styles and comments dropped, block
    // elements as line breaks, entities decoded, whitespace collapsed. Linear in the input.
    static QString htmlToText(const QString &html);

private:
    void walk(const MimeHeaders &headers, QByteArrayView body, int depth);

    MimeHeaders m_headers;
    QString m_text;
    QString m_html;
    QList<MimeAttachment> m_attachments;
};

} // namespace relaydesk

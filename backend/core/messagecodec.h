#pragma once

#include "core/conversation.h"
#include "core/message.h"
#include "core/messageevent.h"
#include "core/outcome.h"

#include <QJsonObject>

namespace relaydesk {

// JSON shapes of the API: parsing with field-by-field validation (every problem is reported,
// not just the first) and compact serialisation.
class MessageCodec
{
public:
    static constexpr int kMaxContentLength = 64 * 1024;
    static constexpr int kMaxIdLength = 256;
    static constexpr int kMaxMetadataEntries = 64;
    static constexpr int kMaxAttachments = 10;

    // Seed 000: {user_id, platform, content, priority?, thread_id?, metadata?} — an inbound
    // customer message.
    static Outcome<Message> parseInbound(const QJsonObject &body);
    // Seed 001: {from, to, type: sms|mms|email, body, attachments?} — an outbound message sent
    // on behalf of the operator or a bot.
    static Outcome<Message> parseSend(const QJsonObject &body);
    // {content, author_id?, attachments?} for a reply in an existing conversation.
    static Outcome<Message> parseReply(const QJsonObject &body);

    static QJsonObject toJson(const Message &message);
    static QJsonObject toJson(const Conversation &conversation);
    static QJsonObject toJson(const MessageEvent &event);
    static QString timestamp(const QDateTime &time);

    static bool isPhoneNumber(const QString &text);
    static bool isEmailAddress(const QString &text);
};

} // namespace relaydesk

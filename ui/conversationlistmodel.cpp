#include "ui/conversationlistmodel.h"

#include "engine/engine.h"
#include "storage/conversationrepository.h"
#include "storage/messagerepository.h"
#include "ui/displaynames.h"
#include "ui/errortext.h"
#include "ui/whenready.h"

#include <algorithm>

namespace relaydesk::ui {

namespace {

// Drafts older than this many messages are not counted for the badge; the conversation view
// shows the same window, so the badge never promises a draft the view cannot show.
constexpr int kDraftWindow = 200;

QString participantsText(const Conversation &c)
{
    return c.participants.join(QStringLiteral(", "));
}

} // namespace

ConversationListModel::ConversationListModel(Engine *engine, QObject *parent)
    : QAbstractListModel(parent)
    , m_engine(engine)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &ConversationListModel::flushRefreshes);

    connect(engine, &Engine::conversationChanged, this,
            &ConversationListModel::refreshConversation);
    connect(engine, &Engine::messageAdded, this,
            [this](const QString &conversationId, const QString &) {
                refreshConversation(conversationId);
            });
    // Approving or rejecting a draft changes the row's draft badge but the engine announces
    // it only as a message state change.
    connect(engine, &Engine::messageStateChanged, this,
            [this](const QString &conversationId, const QString &, const QString &) {
                refreshConversation(conversationId);
            });
}

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= m_rows.size())
        return {};
    const Conversation &c = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return participantsText(c).isEmpty() ? tr("Unknown customer") : participantsText(c);
    case Qt::ToolTipRole: {
        QStringList lines{participantsText(c), DisplayNames::platform(c.platform),
                          DisplayNames::conversationStatus(c.status),
                          DisplayNames::priority(c.priority), DisplayNames::aiMode(c.aiMode)};
        if (c.pendingDrafts > 0)
            lines << tr("Drafts waiting for review: %1").arg(c.pendingDrafts);
        lines.removeAll(QString());
        return lines.join(QLatin1Char('\n'));
    }
    case Qt::AccessibleDescriptionRole:
        return c.lastMessagePreview;
    case IdRole:
        return c.id;
    case PlatformRole:
        return int(c.platform);
    case ParticipantsRole:
        return c.participants;
    case PreviewRole:
        return c.lastMessagePreview;
    case StatusRole:
        return int(c.status);
    case PriorityRole:
        return int(c.priority);
    case AiModeRole:
        return int(c.aiMode);
    case PendingDraftsRole:
        return c.pendingDrafts;
    case LastActivityRole:
        return c.lastActivityAt;
    default:
        return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(IdRole, "conversationId");
    names.insert(PlatformRole, "platform");
    names.insert(ParticipantsRole, "participants");
    names.insert(PreviewRole, "preview");
    names.insert(StatusRole, "status");
    names.insert(PriorityRole, "priority");
    names.insert(AiModeRole, "aiMode");
    names.insert(PendingDraftsRole, "pendingDrafts");
    names.insert(LastActivityRole, "lastActivity");
    return names;
}

int ConversationListModel::rowOf(const QString &conversationId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == conversationId)
            return row;
    }
    return -1;
}

QString ConversationListModel::idAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : QString();
}

const Conversation *ConversationListModel::conversation(const QString &conversationId) const
{
    const int row = rowOf(conversationId);
    return row < 0 ? nullptr : &m_rows.at(row);
}

void ConversationListModel::reload()
{
    if (m_loading) {
        m_reloadAgain = true;
        return;
    }
    m_loading = true;
    ConversationFilter filter;
    filter.limit = kPageSize;
    whenReady(m_engine->read<Page<Conversation>>(
                  [filter](QSqlDatabase &db) { return ConversationRepository(db).list(filter); }),
              this, [this](const Outcome<Page<Conversation>> &page) {
                  m_loading = false;
                  if (page.isOk())
                      merge(page.value().items);
                  else
                      Q_EMIT errorOccurred(
                          ErrorText::describe(tr("Loading the inbox"), page.error()));
                  Q_EMIT loaded();
                  if (m_reloadAgain) {
                      m_reloadAgain = false;
                      reload();
                      return;
                  }
                  scheduleFlush();
              });
}

void ConversationListModel::refreshConversation(const QString &conversationId)
{
    if (conversationId.isEmpty())
        return;
    m_pending.insert(conversationId);
    // Not restarted on every event: a steady stream must still refresh every interval.
    if (!m_debounce.isActive())
        m_debounce.start();
}

void ConversationListModel::scheduleFlush()
{
    if (!m_pending.isEmpty() && !m_debounce.isActive())
        m_debounce.start();
}

void ConversationListModel::flushRefreshes()
{
    // One read at a time, so an older answer can never overwrite a newer one; the ones that
    // arrive meanwhile wait in m_pending.
    if (m_loading || m_refreshing || m_pending.isEmpty())
        return;
    const QStringList ids(m_pending.cbegin(), m_pending.cend());
    m_pending.clear();
    m_refreshing = true;
    whenReady(m_engine->read<QList<Conversation>>(
                  [ids](QSqlDatabase &db) -> Outcome<QList<Conversation>> {
                      ConversationRepository conversations(db);
                      MessageRepository messages(db);
                      QList<Conversation> found;
                      for (const QString &id : ids) {
                          auto conversation = conversations.get(id);
                          if (!conversation.isOk()) {
                              if (conversation.error().kind == ErrorKind::NotFound)
                                  continue;
                              return conversation.error();
                          }
                          // get() leaves the draft count empty (only list() computes it).
                          auto recent = messages.recent(id, kDraftWindow);
                          if (!recent.isOk())
                              return recent.error();
                          Conversation c = conversation.value();
                          c.pendingDrafts = int(std::count_if(
                              recent.value().cbegin(), recent.value().cend(), [](const Message &m) {
                                  return m.authorKind == AuthorKind::Ai &&
                                         m.state == toString(EventType::Drafted);
                              }));
                          found.append(std::move(c));
                      }
                      return found;
                  }),
              this, [this, ids](const Outcome<QList<Conversation>> &result) {
                  m_refreshing = false;
                  if (result.isOk()) {
                      for (const Conversation &c : result.value())
                          upsert(c);
                      Q_EMIT rowsRefreshed(ids);
                  } else {
                      Q_EMIT errorOccurred(
                          ErrorText::describe(tr("Refreshing the inbox"), result.error()));
                  }
                  scheduleFlush();
              });
}

void ConversationListModel::merge(const QList<Conversation> &conversations)
{
    if (m_rows.isEmpty()) {
        beginResetModel();
        m_rows = conversations;
        endResetModel();
        return;
    }
    for (const Conversation &c : conversations)
        upsert(c);
}

void ConversationListModel::upsert(const Conversation &conversation)
{
    const int existing = rowOf(conversation.id);
    if (existing >= 0) {
        m_rows[existing] = conversation;
        const QModelIndex changed = index(existing);
        Q_EMIT dataChanged(changed, changed);
        return;
    }
    // Ids are time-ordered (UUIDv7), so descending id order is newest conversation first and
    // a brand-new conversation lands at the top.
    int row = 0;
    while (row < m_rows.size() && m_rows.at(row).id > conversation.id)
        ++row;
    beginInsertRows({}, row, row);
    m_rows.insert(row, conversation);
    endInsertRows();
}

} // namespace relaydesk::ui

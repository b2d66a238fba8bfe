/**
 * What the approval subgraph tells subscribers, and when: after a change it made itself
 * (an application submitted, a decision, corrections handed in, a message on a case) has
 * been stored by the approval system. Each event carries the application as the system answered the change,
 * so a thousand subscribers cost the system no request; the caller's jurisdiction and
 * scopes are applied per subscriber (resolvers.ts).
 *
 * A change made in the approval system by other means (its own screens) is not seen
 * here: that system has no change feed to follow.
 */
import type { EventBus } from '../shared/events';
import type { Application, CaseMessage } from './client';

export const APPLICATION_UPDATED = 'application-updated';
export const TASK_ASSIGNED = 'task-assigned';
export const MESSAGE_ADDED = 'message-added';

export interface ApplicationUpdated {
  application: Application;
}

export interface TaskAssigned {
  application: Application;
  taskId: string;
}

export interface MessageAdded {
  message: CaseMessage;
  /** The application's region: whose jurisdiction the thread is in. */
  regionCode: string;
}

/** Open tasks: those a department's queue (待我审查) shows. */
const OPEN = new Set(['PENDING_ACCEPTANCE', 'IN_REVIEW']);

export class ApprovalEvents {
  constructor(private readonly bus: EventBus) {}

  /** After a change: the application as it is now, and each task that entered a queue with it (open now, not before). */
  async changed(application: Application, before: Application | null): Promise<Application> {
    await this.bus.publish<ApplicationUpdated>(APPLICATION_UPDATED, { application });
    for (const task of application.tasks) {
      const was = before?.tasks.find((t) => t.id === task.id);
      if (OPEN.has(task.status) && !(was && OPEN.has(was.status))) await this.bus.publish<TaskAssigned>(TASK_ASSIGNED, { application, taskId: task.id });
    }
    return application;
  }

  /** After a message was stored on a case's thread. */
  async messageAdded(message: CaseMessage, regionCode: string): Promise<CaseMessage> {
    await this.bus.publish<MessageAdded>(MESSAGE_ADDED, { message, regionCode });
    return message;
  }
}

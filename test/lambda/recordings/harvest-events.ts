/**
 * The example "MediaPackage HarvestJob Notification" of the MediaPackage user guide ("AWS
 * Elemental MediaPackage events", harvest job notification events,
 * https://docs.aws.amazon.com/mediapackage/latest/ug/cloudwatch-events-example.html), with the
 * job's id, status, destination and times replaced. The documented statuses are the API's
 * (IN_PROGRESS, SUCCEEDED, FAILED); a FAILED notification carries `detail.message`.
 */
export const DOCUMENTED_HARVEST_NOTIFICATION = {
  id: '8f9b8e72-0b31-e883-f19c-aec84742f3ce',
  'detail-type': 'MediaPackage HarvestJob Notification',
  source: 'aws.mediapackage',
  account: 'aws_account_id',
  time: '2019-07-16T17:29:36Z',
  region: 'us-east-1',
  resources: ['arn:aws:mediapackage-vod:us-east-1:aws_account_id:harvest_jobs/harvest_job_id'],
  detail: {
    harvest_job: {
      id: 'harvest_job_id',
      arn: 'arn:aws:mediapackage-vod:us-east-1:aws_account_id:harvest_jobs/harvest_job_id',
      status: 'SUCCEEDED',
      origin_endpoint_id: 'endpoint_id',
      start_time: '2019-06-26T20:30:00-08:00',
      end_time: '2019-06-26T21:00:00-08:00',
      s3_destination: {
        bucket_name: 's3_bucket_name',
        manifest_key: 'path/and/manifest_name/index.m3u8',
        role_arn: 'arn:aws:iam::aws_account_id:role/S3Access_role',
      },
      created_at: '2019-06-26T21:03:11Z',
    },
  },
} as const;

export function harvestNotification(o: {
  jobId: string;
  status: 'SUCCEEDED' | 'FAILED';
  manifestKey: string;
  message?: string;
}) {
  const s = DOCUMENTED_HARVEST_NOTIFICATION;
  return {
    ...s,
    resources: [`arn:aws:mediapackage-vod:us-east-1:aws_account_id:harvest_jobs/${o.jobId}`],
    detail: {
      harvest_job: {
        ...s.detail.harvest_job,
        id: o.jobId,
        arn: `arn:aws:mediapackage-vod:us-east-1:aws_account_id:harvest_jobs/${o.jobId}`,
        status: o.status,
        s3_destination: { ...s.detail.harvest_job.s3_destination, manifest_key: o.manifestKey },
      },
      ...(o.message ? { message: o.message } : {}),
    },
  };
}

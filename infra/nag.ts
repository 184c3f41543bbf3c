/**
 * cdk-nag's AwsSolutions pack as a synth-time gate: every finding, warning or error, fails the synth unless
 * it is acknowledged (`Validations.of(construct).acknowledge({ id, reason })`) next to the construct.
 */
import {
  type CfnElement,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** AwsSolutionsChecks with every finding raised to an error. */
export class StrictAwsSolutionsChecks implements IPolicyValidationPlugin {
  readonly name = 'AwsSolutions (strict)';
  private readonly pack: AwsSolutionsChecks;

  constructor(scope?: IConstruct) {
    this.pack = new AwsSolutionsChecks(scope, { verbose: true });
  }

  /** Called by CDK at synth. */
  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    return strict(this.pack.validate(context));
  }

  /** Checks a construct tree directly (tests). */
  validateScope(scope: IConstruct): PolicyValidationPluginReport {
    return strict(this.pack.validateScope(scope));
  }
}

function strict(report: PolicyValidationPluginReport): PolicyValidationPluginReport {
  return {
    success: report.violations.length === 0,
    violations: report.violations.map((violation) => ({ ...violation, severity: 'error' })),
  };
}

/** Registers the strict AwsSolutions checks on an app (or stage). */
export function addNagChecks(scope: IConstruct): StrictAwsSolutionsChecks {
  const plugin = new StrictAwsSolutionsChecks(scope);
  Validations.of(scope).addPlugins(plugin);
  return plugin;
}

/**
 * Acknowledges cdk-nag's IAM5 finding for one wildcard under a resource's ARN (for example `/index/*`),
 * naming the resource as cdk-nag prints it: `AwsSolutions-IAM5[Resource::<LogicalId.Arn>/index/*]`.
 */
export function acknowledgeArnWildcard(
  on: IConstruct,
  resource: IConstruct,
  suffix: string,
  reason: string,
): void {
  const element = (resource.node.defaultChild ?? resource) as CfnElement;
  const logicalId = Stack.of(element).getLogicalId(element);
  Validations.of(on).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>${suffix}]`, reason });
}

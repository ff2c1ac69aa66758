import {expect} from 'chai'

import {useDatabase} from '../support/context.js'
import {columnsOf, convert, foreignKeysOf, uniqueConstraintsOf, uniqueIndexesOf, writeSources} from '../support/corpus-converter.js'

describe('corpus converter: Django models of apps given one by one', () => {
  const db = useDatabase()

  it('creates app_model tables with abstract and contrib bases, parent pointers, one-to-one keys, join tables and expression constraints', async () => {
    const dir = await writeSources({
      'zerver/models/constants.py': 'MAX_LANGUAGE_ID_LENGTH: int = 50\n',
      'zerver/models/realms.py': `from django.db import models
from zerver.models.constants import MAX_LANGUAGE_ID_LENGTH


class Realm(models.Model):
    MAX_REALM_SUBDOMAIN_LENGTH = 40
    id = models.AutoField(auto_created=True, primary_key=True, verbose_name="ID")
    string_id = models.CharField(max_length=MAX_REALM_SUBDOMAIN_LENGTH, unique=True)
    default_language = models.CharField(max_length=MAX_LANGUAGE_ID_LENGTH)
`,
      'zerver/models/users.py': `from bitfield import BitField
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models import CASCADE, F, Q
from django.db.models.functions import Upper

from zerver.models.realms import Realm


class UserBaseSettings(models.Model):
    TIMEZONE_LENGTH = 40
    timezone = models.CharField(max_length=TIMEZONE_LENGTH, default="")

    class Meta:
        abstract = True


class UserProfile(AbstractBaseUser, PermissionsMixin, UserBaseSettings):
    delivery_email = models.EmailField(blank=False, db_index=True)
    realm = models.ForeignKey(Realm, on_delete=CASCADE)
    full_name: str = models.CharField(
        max_length=Realm.MAX_REALM_SUBDOMAIN_LENGTH,
    )
    avatar_hash = models.CharField(null=True, max_length=64)
    flags = BitField(flags=["a", "b"], default=0)
    friends = models.ManyToManyField("self")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "realm",
                Upper(F("delivery_email")),
                name="zerver_userprofile_realm_id_delivery_email_uniq",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class UserPresence(models.Model):
    user_profile = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=CASCADE, primary_key=True)
    last_active_time = models.DateTimeField(null=True)


class UserGroup(models.Model):
    realm = models.ForeignKey("zerver.Realm", on_delete=CASCADE)


class NamedUserGroup(UserGroup):
    usergroup_ptr = models.OneToOneField(auto_created=True, on_delete=CASCADE, parent_link=True, primary_key=True, to=UserGroup)
    realm_for_sharding = models.ForeignKey("Realm", on_delete=CASCADE, db_column="realm_id")
    name = models.CharField(max_length=100)
    deactivated = models.BooleanField(default=False)

    class Meta:
        unique_together = ("realm_for_sharding", "name")
        constraints = [models.UniqueConstraint(fields=["name"], condition=Q(deactivated=False), name="uniq_active")]


class SystemGroup(UserGroup):
    kind = models.PositiveSmallIntegerField()
`,
    })
    const ddl = await convert('from-django.ts', ['--auto', 'BigAutoField', '--user-model', 'zerver.UserProfile', 'zerver=zerver/models'], dir)
    await db.pool.query(ddl)
    expect(await columnsOf(db.pool, 'zerver_userprofile')).to.deep.equal([
      'id bigint NOT NULL',
      'password character varying(128) NOT NULL',
      'last_login timestamp with time zone',
      'is_superuser boolean NOT NULL',
      'timezone character varying(40) NOT NULL',
      'delivery_email character varying(254) NOT NULL',
      'realm_id integer NOT NULL',
      'full_name character varying(40) NOT NULL',
      'avatar_hash character varying(64)',
      'flags bigint NOT NULL',
    ])
    expect(await columnsOf(db.pool, 'zerver_realm')).to.deep.equal([
      'id integer NOT NULL',
      'string_id character varying(40) NOT NULL',
      'default_language character varying(50) NOT NULL',
    ])
    expect(await uniqueIndexesOf(db.pool, 'zerver_userprofile')).to.deep.equal(['(realm_id, upper((delivery_email)::text))'])
    expect(await columnsOf(db.pool, 'zerver_userprofile_friends')).to.deep.equal([
      'id bigint NOT NULL',
      'from_userprofile_id bigint NOT NULL',
      'to_userprofile_id bigint NOT NULL',
    ])
    expect(await columnsOf(db.pool, 'zerver_userprofile_groups')).to.deep.equal([
      'id bigint NOT NULL',
      'userprofile_id bigint NOT NULL',
      'group_id integer NOT NULL',
    ])
    expect(await foreignKeysOf(db.pool, 'zerver_userprofile_groups')).to.deep.equal([
      'FOREIGN KEY (group_id) REFERENCES auth_group(id) DEFERRABLE INITIALLY DEFERRED',
      'FOREIGN KEY (userprofile_id) REFERENCES zerver_userprofile(id) DEFERRABLE INITIALLY DEFERRED',
    ])
    expect(await foreignKeysOf(db.pool, 'auth_permission')).to.deep.equal([
      'FOREIGN KEY (content_type_id) REFERENCES django_content_type(id) DEFERRABLE INITIALLY DEFERRED',
    ])
    expect(await columnsOf(db.pool, 'zerver_userpresence')).to.deep.equal(['user_profile_id bigint NOT NULL', 'last_active_time timestamp with time zone'])
    expect(await foreignKeysOf(db.pool, 'zerver_userpresence')).to.deep.equal([
      'FOREIGN KEY (user_profile_id) REFERENCES zerver_userprofile(id) DEFERRABLE INITIALLY DEFERRED',
    ])
    expect(await uniqueIndexesOf(db.pool, 'zerver_userpresence')).to.deep.equal([])
    expect(await columnsOf(db.pool, 'zerver_namedusergroup')).to.deep.equal([
      'usergroup_ptr_id bigint NOT NULL',
      'realm_id integer NOT NULL',
      'name character varying(100) NOT NULL',
      'deactivated boolean NOT NULL',
    ])
    expect(await uniqueIndexesOf(db.pool, 'zerver_namedusergroup')).to.deep.equal(['(name) WHERE (deactivated = false)', '(realm_id, name)'])
    expect(await uniqueConstraintsOf(db.pool, 'zerver_namedusergroup')).to.deep.equal(['UNIQUE (realm_id, name)'])
    expect(await foreignKeysOf(db.pool, 'zerver_namedusergroup')).to.include(
      'FOREIGN KEY (usergroup_ptr_id) REFERENCES zerver_usergroup(id) DEFERRABLE INITIALLY DEFERRED',
    )
    expect(await columnsOf(db.pool, 'zerver_systemgroup')).to.deep.equal(['usergroup_ptr_id bigint NOT NULL', 'kind smallint NOT NULL'])
    expect(await foreignKeysOf(db.pool, 'zerver_systemgroup')).to.deep.equal([
      'FOREIGN KEY (usergroup_ptr_id) REFERENCES zerver_usergroup(id) DEFERRABLE INITIALLY DEFERRED',
    ])
  })
})

describe('corpus converter: Django models of a package of apps', () => {
  const db = useDatabase()

  it("derives app labels from the package, reads imported and settings constants, and keeps Django's unique constraints apart from its unique indexes", async () => {
    const dir = await writeSources({
      'shop/settings.py': 'DEFAULT_MAX_DIGITS = 20\nDEFAULT_DECIMAL_PLACES = 3\n',
      'shop/core/taxes.py': 'TAX_ERROR_FIELD_LENGTH = 255\n',
      'shop/core/db/fields.py': 'from django.db import models\n\n\nclass SanitizedURLField(models.URLField):\n    pass\n',
      'shop/core/models.py': `from django.db import models


class ModelWithMetadata(models.Model):
    private_metadata = models.JSONField(blank=True, default=dict)
    metadata = models.JSONField(blank=True, default=dict)

    class Meta:
        abstract = True
`,
      'shop/account/models.py': `from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.sites.models import Site
from django.db import models
from django.db.models import Q
from django_celery_beat import models as base_models
from prices import MoneyField

from ..core.db.fields import SanitizedURLField
from ..core.models import ModelWithMetadata
from ..core.taxes import TAX_ERROR_FIELD_LENGTH


class User(PermissionsMixin, ModelWithMetadata, AbstractBaseUser):
    email = models.EmailField(unique=True)
    homepage = SanitizedURLField(null=True)
    tax_error = models.CharField(max_length=TAX_ERROR_FIELD_LENGTH, null=True)
    site = models.ForeignKey(Site, null=True, on_delete=models.SET_NULL, db_constraint=False)


class Group(models.Model):
    name = models.CharField(max_length=150, unique=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, through="GroupMembership")


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE)
    user = models.ForeignKey(User, to_field="email", on_delete=models.CASCADE)
    is_default = models.BooleanField()
    balance = MoneyField(amount_field="balance_amount", currency_field="currency")
    balance_amount = models.DecimalField(max_digits=settings.DEFAULT_MAX_DIGITS, decimal_places=settings.DEFAULT_DECIMAL_PLACES)

    class Meta:
        unique_together = [("group", "user"), ("group", "balance_amount")]
        constraints = [models.UniqueConstraint(fields=["user"], condition=Q(is_default=True), name="one_default")]


class ActiveUser(User):
    class Meta:
        proxy = True


class CustomPeriodicTask(base_models.PeriodicTask):
    owner = models.ForeignKey(ActiveUser, on_delete=models.CASCADE)
`,
      'shop/product/models/base.py': `from django.db import models
from mptt.models import MPTTModel, TreeForeignKey

from ...core.models import ModelWithMetadata


class Category(ModelWithMetadata, MPTTModel):
    slug = models.SlugField(unique=True)
    parent = TreeForeignKey("self", null=True, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slug", "parent"], name="slug_parent")]
`,
    })
    const sources = ['shop/account/models.py', 'shop/product/models/base.py', 'shop/core/models.py', 'shop/core/db/fields.py', 'shop/settings.py']
    const ddl = await convert('from-django.ts', ['--user-model', 'account.User', ...sources], dir)
    await db.pool.query(ddl)
    expect(await columnsOf(db.pool, 'account_user')).to.deep.equal([
      'id integer NOT NULL',
      'password character varying(128) NOT NULL',
      'last_login timestamp with time zone',
      'is_superuser boolean NOT NULL',
      'private_metadata jsonb NOT NULL',
      'metadata jsonb NOT NULL',
      'email character varying(254) NOT NULL',
      'homepage character varying(200)',
      'tax_error character varying(255)',
      'site_id integer',
    ])
    expect(await foreignKeysOf(db.pool, 'account_user')).to.deep.equal([])
    expect(await uniqueConstraintsOf(db.pool, 'account_user')).to.deep.equal(['UNIQUE (email)'])
    expect(await columnsOf(db.pool, 'account_group')).to.deep.equal(['id integer NOT NULL', 'name character varying(150) NOT NULL'])
    expect(await columnsOf(db.pool, 'account_groupmembership')).to.deep.equal([
      'id integer NOT NULL',
      'group_id integer NOT NULL',
      'user_id character varying(254) NOT NULL',
      'is_default boolean NOT NULL',
      'balance_amount numeric(20,3) NOT NULL',
    ])
    expect(await foreignKeysOf(db.pool, 'account_groupmembership')).to.deep.equal([
      'FOREIGN KEY (group_id) REFERENCES account_group(id) DEFERRABLE INITIALLY DEFERRED',
      'FOREIGN KEY (user_id) REFERENCES account_user(email) DEFERRABLE INITIALLY DEFERRED',
    ])
    expect(await uniqueConstraintsOf(db.pool, 'account_groupmembership')).to.deep.equal(['UNIQUE (group_id, balance_amount)', 'UNIQUE (group_id, user_id)'])
    expect(await uniqueIndexesOf(db.pool, 'account_groupmembership')).to.include('(user_id) WHERE (is_default = true)')
    expect(await columnsOf(db.pool, 'account_customperiodictask')).to.deep.equal(['periodictask_ptr_id integer NOT NULL', 'owner_id integer NOT NULL'])
    expect(await foreignKeysOf(db.pool, 'account_customperiodictask')).to.deep.equal([
      'FOREIGN KEY (owner_id) REFERENCES account_user(id) DEFERRABLE INITIALLY DEFERRED',
    ])
    expect(await columnsOf(db.pool, 'product_category')).to.deep.equal([
      'id integer NOT NULL',
      'lft integer NOT NULL',
      'rght integer NOT NULL',
      'tree_id integer NOT NULL',
      'level integer NOT NULL',
      'private_metadata jsonb NOT NULL',
      'metadata jsonb NOT NULL',
      'slug character varying(50) NOT NULL',
      'parent_id integer',
    ])
    expect(await uniqueConstraintsOf(db.pool, 'product_category')).to.deep.equal(['UNIQUE (slug)', 'UNIQUE (slug, parent_id)'])
    const {rows} = await db.pool.query<{name: string}>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)
    expect(rows.map(r => r.name)).to.deep.equal([
      'account_customperiodictask',
      'account_group',
      'account_groupmembership',
      'account_user',
      'account_user_groups',
      'account_user_user_permissions',
      'auth_group',
      'auth_permission',
      'django_content_type',
      'django_site',
      'product_category',
    ])
  })
})
